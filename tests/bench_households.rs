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

/// A household larger than a batch holds (its columns grow), among small ones; one with no
/// adult (`count(household.adult)` is 0); both as the interpreter finds them.
#[test]
fn large_and_adultless_households_in_columns() {
    let (households, mut persons) = reglament::synthetic::template_households(40, 7);
    for i in 0..2_000 {
        let role = if i % 3 == 0 { "adult" } else { "child" };
        persons.push_str(&format!("{},41,{role},19{:02}-01-01,{}.00,0.00\n", 10_000 + i, i % 100, i % 700));
    }
    persons.push_str("20000,42,child,2020-05-05,0.00,0.00\n");
    let households = format!("{households}41,0.00,50.00,owner,00001\n42,0.00,10.00,tenant,00002\n");
    let (columns, out, errors) = run(&households, &persons, true);
    let (_, expected, _) = run(&households, &persons, false);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(out, expected);
    let columns = columns.unwrap();
    assert_eq!(columns.groups, 42);
    assert!(columns.columnar >= 40, "{columns:?}");
}

/// A decimal fact's column holds the places of its first chunk's cells (two here): a
/// household read later with more places is decided by the interpreter, and every output
/// is still the interpreter's.
#[test]
fn decimals_with_more_places_than_the_first_chunk_are_the_interpreters() {
    let (households, persons) = reglament::synthetic::template_households(6_000, 3);
    // Past the first chunk (4096 households), every tenth size gets a third place.
    let households: String = households
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut cells: Vec<String> = line.split(',').map(String::from).collect();
            if i > 5_000 && i % 10 == 0 {
                cells[2].push('7');
            }
            cells.join(",") + "\n"
        })
        .collect();
    let (columns, out, errors) = run(&households, &persons, true);
    let (_, expected, _) = run(&households, &persons, false);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(out, expected);
    let columns = columns.unwrap();
    // The owners' and tenants' among the hundred households of three places.
    assert!(columns.groups - columns.columnar >= 30, "{columns:?}");
    assert!(columns.columnar * 10 > columns.groups * 9, "{columns:?}");
}

/// A decimal fact's default is read at the column's denominator too: with a default of
/// three places for the size, households without one stay in columns (lodgers and the
/// homeless, whose tax the size does not change), as the interpreter decides them.
#[test]
fn a_decimal_default_of_more_places_stays_in_columns() {
    let rules = read_rules()
        .replace("field accommodation_size: decimal", "field accommodation_size: decimal = 21.125");
    let (households, persons) = reglament::synthetic::template_households(300, 5);
    let households: String = households
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut cells: Vec<&str> = line.split(',').collect();
            if i > 0 {
                cells[2] = "";
                cells[3] = if i % 2 == 0 { "free_lodger" } else { "homeless" };
            }
            cells.join(",") + "\n"
        })
        .collect();
    let (columns, out, errors) = run_rules(&rules, &households, &persons, true, false);
    let (_, expected, _) = run_rules(&rules, &households, &persons, false, false);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(out, expected);
    let columns = columns.unwrap();
    assert!(columns.columnar * 10 > columns.groups * 9, "{columns:?}");
}

/// Cells of every form a table may hold, for the tables below.
fn cell() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        Just(String::new()),
        (0u64..3_000_000).prop_map(|c| format!("{}.{:02}", c / 100, c % 100)),
        (0u64..300).prop_map(|c| c.to_string()),
        Just("-12.50".to_string()),
        Just("1.5".to_string()),
        // Decimals of more places: a decimal fact's column takes the most its table has.
        (0u64..3_000_000).prop_map(|c| format!("{}.{:03}", c / 1000, c % 1000)),
        Just("0.0001".to_string()),
        Just("3.1415926".to_string()),
        Just("99999999999999999999.99".to_string()),
        (1900u32..2025, 1u32..13, 1u32..32).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        Just("2024-02-30".to_string()),
        prop::sample::select(vec![
            "owner",
            "tenant",
            "free_lodger",
            "homeless",
            "castle",
            "adult",
            "child",
            "x"
        ])
        .prop_map(String::from),
    ]
}

/// Mostly a role of the household, sometimes anything.
fn role() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![4 => prop::sample::select(vec!["adult", "child"]).prop_map(String::from), 1 => cell()]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Whatever the tables hold (cells of any form, unknown roles, households without
    /// members, members of no household), households in columns give the output and the
    /// errors the interpreter gives household by household, and nothing panics.
    #[test]
    fn any_tables_give_what_the_interpreter_gives(
        households in proptest::collection::vec((1u32..6, cell(), cell(), cell()), 1..12),
        persons in proptest::collection::vec((1u32..7, role(), cell(), cell(), cell()), 0..40),
    ) {
        let mut h = String::from("household_id,rent,accommodation_size,housing_occupancy_status,postal_code\n");
        for (id, size, status, rent) in &households {
            h.push_str(&format!("{id},{rent},{size},{status},00000\n"));
        }
        let mut p = String::from("person_id,household_id,role,birth,salary,capital_returns\n");
        let mut sorted = persons.clone();
        sorted.sort_by_key(|(group, ..)| *group);
        for (i, (group, role, birth, salary, capital)) in sorted.iter().enumerate() {
            p.push_str(&format!("{i},{group},{role},{birth},{salary},{capital}\n"));
        }
        let columns = run(&h, &p, true);
        let interpreted = run(&h, &p, false);
        proptest::prop_assert_eq!(columns.1, interpreted.1);
        proptest::prop_assert_eq!(columns.2, interpreted.2);
    }
}

/// A cell of a column no rule reads (the rent, an id) is still checked as the interpreter
/// checks it: the household is left out with the same error, in columns or not.
#[test]
fn unread_cells_are_checked_as_the_interpreter_checks_them() {
    let h = "household_id,rent,accommodation_size,housing_occupancy_status,postal_code\n\
             1,1900-01-01,,owner,00000\n2,10.00,,owner,00000\n3,10.00,,owner,00000\n";
    let p = "person_id,household_id,role,birth,salary,capital_returns\n\
             0,1,adult,1900-01-01,,\n1,2,adult,1990-01-01,,\n\u{fffd}2,3,adult,1990-01-01,,\n";
    let p = p.replace('\u{fffd}', "\u{e9}");
    let (_, out, errors) = run(h, &p, true);
    let (_, expected, interpreted) = run(h, &p, false);
    assert_eq!(out, expected);
    assert_eq!(errors, interpreted);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("groups:2: rent:"), "{errors:?}");
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

type Run = (Option<reglament::simulate::groups::Summary>, String, Vec<String>);

/// The rules over two tables, streamed, in columns or (`columnar` false) one household at a
/// time through the interpreter.
fn run(households: &str, persons: &str, columnar: bool) -> Run {
    run_held(households, persons, columnar, false)
}

/// `run` with the persons table held whole, in any order.
fn run_whole(households: &str, persons: &str, columnar: bool) -> Run {
    run_held(households, persons, columnar, true)
}

fn run_held(households: &str, persons: &str, columnar: bool, whole: bool) -> Run {
    run_rules(&read_rules(), households, persons, columnar, whole)
}

/// The workload's rules, as written in the example.
fn read_rules() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bench-households/rules.rgl"))
        .unwrap()
}

/// `run_held` with rules of this text.
fn run_rules(rules: &str, households: &str, persons: &str, columnar: bool, whole: bool) -> Run {
    let mut sources = reglament::source::SourceMap::new();
    sources.add("rules.rgl", rules);
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
        whole,
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

/// Tables written with `\r\n` line ends and every cell quoted give what the plain
/// tables give, in columns and through the interpreter.
#[test]
fn quoted_cells_and_crlf_line_ends_read_as_plain_ones() {
    let households = read("households.csv");
    let persons = read("persons.csv");
    let quoted = |table: &str| {
        let lines =
            table.lines().map(|l| l.split(',').map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(","));
        lines.map(|l| l + "\r\n").collect::<String>()
    };
    let (_, plain, errors) = run_whole(&households, &persons, true);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(plain, expected());
    for columnar in [true, false] {
        let (_, out, errors) = run_whole(&quoted(&households), &quoted(&persons), columnar);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(out, plain, "columnar: {columnar}");
    }
}

/// Cyrillic household ids, short and longer than a line's slot, are written whole and as
/// they are, by the columns as by the interpreter.
#[test]
fn long_and_cyrillic_ids_are_written_whole() {
    let rename = |table: &str, column: usize| {
        let mut lines = table.lines();
        let header = lines.next().unwrap().to_string();
        let renamed = lines.map(|line| {
            let mut cells: Vec<String> = line.split(',').map(String::from).collect();
            let id = &cells[column];
            cells[column] = match id.ends_with(|c: char| "02468".contains(c)) {
                true => format!("дом-{id}"),
                false => format!("домохозяйство-{id}-с-длинным-именем"),
            };
            cells.join(",")
        });
        std::iter::once(header).chain(renamed).map(|l| l + "\n").collect::<String>()
    };
    let (households, persons) = (rename(&read("households.csv"), 0), rename(&read("persons.csv"), 1));
    let (summary, columns, errors) = run_whole(&households, &persons, true);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(summary.unwrap().columnar > 0);
    for id in households.lines().skip(1).map(|l| l.split(',').next().unwrap()) {
        assert!(columns.contains(&format!("\n{id},")), "{id}");
    }
    assert_eq!(columns, run_whole(&households, &persons, false).1);
}

/// Held whole, a member of a household the households table does not have stops the run
/// once every household is decided, naming the first such line; a household given twice
/// has its members the first time.
#[test]
fn held_members_of_no_household_stop_the_run() {
    let households = read("households.csv");
    let first = households.lines().nth(1).unwrap().to_string();
    let households = format!("{households}{first}\n");
    let mut persons: Vec<String> = read("persons.csv").lines().map(String::from).collect();
    persons.insert(5, "p-1,nowhere,adult,1990-01-01,0.00,0.00".into());
    persons.insert(9, "p-2,nowhere-else,adult,1990-01-01,0.00,0.00".into());
    let (summary, out, errors) = run_whole(&households, &(persons.join("\n") + "\n"), true);
    assert!(summary.is_none());
    assert_eq!(out, expected(), "every household is decided first");
    let id = first.split(',').next().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].ends_with(&format!("`{id}` has no members in the persons table")), "{errors:?}");
    assert_eq!(errors[1], "persons:6: a member of `nowhere`, which the groups table does not have");
}

/// Streamed, a member apart from its household stops the run, naming its line.
#[test]
fn streamed_members_out_of_order_stop_the_run() {
    let (summary, _, errors) = streamed(&read("persons.csv"));
    assert_eq!(summary, None);
    let last = errors.last().expect("an error");
    assert!(last.contains("which is not the group at this place of the groups table"), "{last}");
}

/// The persons table with each household's members together, in household order.
fn in_household_order() -> Vec<String> {
    let households = read("households.csv");
    let order: Vec<&str> = households.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    let persons = read("persons.csv");
    let mut lines: Vec<String> = persons.lines().map(String::from).collect();
    lines[1..].sort_by_key(|l| order.iter().position(|h| Some(*h) == l.split(',').nth(1)).unwrap());
    lines
}

/// With each household's members together, in household order, the tables stream and give
/// the same output.
#[test]
fn members_in_household_order_give_the_same() {
    let (summary, out, errors) = streamed(&(in_household_order().join("\n") + "\n"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(summary, Some(56));
    assert_eq!(out, expected());
}

/// Held whole, households whose members stand together (in the households' order or
/// not) and households whose members are split apart give the same output.
#[test]
fn held_members_together_apart_or_reordered_give_the_same() {
    let together = in_household_order();
    // The second member of the first household of three or more moved to the end: the
    // household's records form two runs, with others between.
    let household = |l: &String| l.split(',').nth(1).unwrap().to_string();
    let at = (1..together.len() - 2)
        .find(|&i| household(&together[i]) == household(&together[i + 2]))
        .expect("a household of three");
    let mut apart = together.clone();
    let moved = apart.remove(at + 1);
    apart.push(moved);
    let mut reordered = together.clone();
    reordered[1..].reverse();
    for persons in [together, apart, reordered] {
        let (summary, out, errors) = run_whole(&read("households.csv"), &(persons.join("\n") + "\n"), true);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(summary.map(|s| s.groups), Some(56));
        assert_eq!(out, expected());
    }
}
