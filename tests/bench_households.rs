//! OpenFisca's country template workload (`examples/bench-households/rules.rgl`) gives,
//! byte for byte, the expected output of the 56 edge households of the shared households
//! kit (every threshold, roles that are not ages, exact half-cent ties), with the persons
//! table in the kit's shuffled order; and the same with each household's members together
//! in household order, which streams. `tests/bench-households/` holds copies of the kit's
//! `edge_households/` files, so the test needs nothing beside the checkout.

use std::path::Path;
use std::process::Command;

const COLUMNS: &str = "household_id,household_income,parenting_allowance,total_benefits,housing_tax,total_taxes,disposable_income,meal_price,swimming_pool_access";

fn evaluate(persons: &Path) -> String {
    evaluate_with(persons, &[]).0
}

/// The output and the standard error of a run with more arguments.
fn evaluate_with(persons: &Path, more: &[&str]) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["evaluate", "template_month", "--regulations", "examples/bench-households/rules.rgl"])
        .args(["--groups", "tests/bench-households/households.csv", "--persons"])
        .arg(persons)
        .args(["--group-id", "household_id", "--person-id", "person_id", "--person-group", "household_id"])
        .args(["--columns", COLUMNS, "--as-of", "2024-01-01"])
        .args(more)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// `--timings` prints the kit's line: the phases of a batch run, and of single cases
/// (each household explained).
#[test]
fn the_timing_line_has_the_kits_phases() {
    let persons = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bench-households/persons.csv");
    let (_, stderr) = evaluate_with(&persons, &["--timings"]);
    assert!(stderr.starts_with("bench tool=reglament mode=batch n=56 read_s="), "{stderr}");
    for phase in
        ["setup_s=", "compute_s=", "write_s=", "total_s=", "households_per_s=", "compute_households_per_s="]
    {
        assert!(stderr.contains(phase), "{phase} in {stderr}");
    }
    let (_, stderr) = evaluate_with(&persons, &["--timings", "--explain", "/dev/null"]);
    assert!(stderr.starts_with("bench tool=reglament mode=single n=56 "), "{stderr}");
    assert!(stderr.contains("cases_per_s="), "{stderr}");
}

fn expected() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bench-households/expected.csv"))
        .unwrap()
}

#[test]
fn edge_households_are_byte_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(evaluate(&root.join("tests/bench-households/persons.csv")), expected());
}

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bench-households").join(name))
        .unwrap()
}

/// The tables streamed (as a table too large to hold whole is): the number of households
/// written, the output, and the errors reported.
fn streamed(persons: &str) -> (Option<usize>, String, Vec<String>) {
    let (summary, out, errors) = run(&read("households.csv"), persons, true);
    (summary.map(|s| s.groups), out, errors)
}

/// The rules over two tables, streamed, in columns or (`columnar` false) one household at a
/// time through the interpreter.
fn run(
    households: &str,
    persons: &str,
    columnar: bool,
) -> (Option<reglament::simulate::groups::Summary>, String, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = reglament::cli::load::load(&[root.join("examples/bench-households/rules.rgl")]).unwrap();
    let model = reglament::compile(&sources).into_model().expect("the rules check");
    let keys = reglament::simulate::groups::Keys {
        group_id: "household_id".into(),
        person_id: "person_id".into(),
        person_group: "household_id".into(),
        role: "role".into(),
    };
    let columns: Vec<String> = COLUMNS.split(',').map(String::from).collect();
    let run = reglament::simulate::groups::Population {
        service: model.service("template_month").unwrap(),
        keys: &keys,
        columns: &columns,
        as_of: reglament::date::Date::parse("2024-01-01").unwrap(),
        whole: false,
        columnar,
    };
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    let summary = reglament::simulate::groups::run(
        &model,
        &run,
        households.as_bytes(),
        persons.as_bytes(),
        &mut out,
        None,
        &mut |e| errors.push(e.message.clone()),
    );
    (summary.ok(), String::from_utf8(out).unwrap(), errors)
}

/// Households decided in columns (segment reductions over each household's members) give
/// what the interpreter gives household by household, on random households gathered at
/// the rules' thresholds, with unknown facts among them; almost all stay in columns.
#[test]
fn the_columnar_household_path_equals_the_interpreter() {
    for seed in 1..=4 {
        let (households, persons) = reglament::synthetic::template_households(3_000, seed);
        let (columns, out, errors) = run(&households, &persons, true);
        let (interpreted, expected, _) = run(&households, &persons, false);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(out, expected, "seed {seed}");
        let (columns, interpreted) = (columns.unwrap(), interpreted.unwrap());
        assert_eq!(interpreted.columnar, 0);
        assert!(columns.columnar * 10 > columns.groups * 9, "{columns:?}");
    }
}

/// Streamed, a member apart from its household stops the run, naming its line.
#[test]
fn streamed_members_out_of_order_stop_the_run() {
    let (summary, _, errors) = streamed(&read("persons.csv"));
    assert_eq!(summary, None);
    let last = errors.last().expect("an error");
    assert!(last.contains("which is not the group at this place of the groups table"), "{last}");
}

/// With each household's members together, in household order, the tables stream and give
/// the same output.
#[test]
fn members_in_household_order_give_the_same() {
    let households = read("households.csv");
    let order: Vec<&str> = households.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    let persons = read("persons.csv");
    let mut lines: Vec<&str> = persons.lines().skip(1).collect();
    lines.sort_by_key(|l| order.iter().position(|h| Some(*h) == l.split(',').nth(1)).unwrap());
    let header = persons.lines().next().unwrap();
    let (summary, out, errors) = streamed(&format!("{header}\n{}\n", lines.join("\n")));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(summary, Some(56));
    assert_eq!(out, expected());
}
