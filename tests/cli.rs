//! The command line: exit code, stdout and stderr of each case in one snapshot.

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn transcript(args: &[&str]) -> String {
    let (code, stdout, stderr) = run(args);
    format!("$ reglament {}\nexit: {code}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}", args.join(" "))
}

macro_rules! cli_snapshot {
    ($name:ident, $($arg:expr),*) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(transcript(&[$($arg),*]));
        }
    };
}

cli_snapshot!(help, "--help");
cli_snapshot!(check_help, "check", "--help");
cli_snapshot!(check_bundled_regulations, "check");
cli_snapshot!(check_bundled_regulations_json, "check", "regulations", "--format", "json");
cli_snapshot!(check_errors_human, "check", "tests/check/bad/independent_errors.rgl");
cli_snapshot!(check_unreadable_json, "check", "--format", "json", "tests/no-such-file.rgl");
cli_snapshot!(check_errors_short, "check", "--format", "short", "tests/check/bad/independent_errors.rgl");
cli_snapshot!(fmt_help, "fmt", "--help");
cli_snapshot!(fmt_check_formatted, "fmt", "--check", "regulations", "examples");
cli_snapshot!(
    fmt_check_unformatted,
    "fmt",
    "--check",
    "tests/fmt",
    "tests/check/bad/syntax_missing_brace.rgl"
);
cli_snapshot!(check_errors_github, "check", "--format", "github", "tests/check/bad/independent_errors.rgl");
cli_snapshot!(
    check_allow_a_warning,
    "check",
    "--allow",
    "W0001",
    "--format",
    "short",
    "tests/check/bad/unused_parameter.rgl"
);
cli_snapshot!(
    check_deny_a_warning,
    "check",
    "--deny",
    "w0001",
    "--format",
    "short",
    "tests/check/bad/unused_parameter.rgl"
);
cli_snapshot!(check_allow_an_error, "check", "--allow", "E0101", "tests/check/bad/unused_parameter.rgl");
cli_snapshot!(check_errors_json, "check", "--format", "json", "tests/check/bad/independent_errors.rgl");
cli_snapshot!(
    check_cross_file_duplicates,
    "check",
    "tests/check/good/all_constructs_en.rgl",
    "tests/check/good/fully_russian.rgl",
    "tests/check/bad/duplicate_declaration.rgl"
);
cli_snapshot!(warnings_pass, "check", "tests/check/bad/unused_parameter.rgl");
cli_snapshot!(warnings_denied, "check", "--deny", "warnings", "tests/check/bad/unused_parameter.rgl");
cli_snapshot!(missing_path, "check", "no/such/dir");
cli_snapshot!(unknown_flag, "check", "--strict");
cli_snapshot!(unknown_format, "check", "--format", "xml");

#[test]
fn empty_directory_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("reglament-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, stdout, stderr) = run(&["check", dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("no `.rgl` files"), "{stderr}");
}

#[test]
fn non_utf8_file_is_an_error_with_its_code_and_position() {
    let file = std::env::temp_dir().join(format!("reglament-latin1-{}.rgl", std::process::id()));
    std::fs::write(&file, b"agency a { title \"\xe9\" level federal }").unwrap();
    let (code, stdout, _) =
        run(&["check", "--format", "json", file.to_str().unwrap(), "tests/decisions/rules.rgl"]);
    std::fs::remove_file(&file).ok();
    assert_eq!(code, 1);
    assert!(stdout.contains("\"line\": 1,\n      \"column\": 19,"), "{stdout}");
    assert!(stdout.contains("\"code\": \"E0008\""), "{stdout}");
    assert!(stdout.contains("\"services\": 4,"), "the other file is checked: {stdout}");
}

/// Loops of links, the same file named twice, a link out of the directory, a FIFO and a
/// device: each real file is read once, nothing blocks or reads for ever.
#[test]
fn only_regular_files_are_read_each_once() {
    let dir = std::env::temp_dir().join(format!("reglament-links-{}", std::process::id()));
    let set = dir.join("set");
    std::fs::create_dir_all(&set).unwrap();
    std::fs::copy("tests/decisions/rules.rgl", set.join("rules.rgl")).unwrap();
    std::os::unix::fs::symlink(".", set.join("self")).unwrap();
    std::os::unix::fs::symlink(".", set.join("again")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", set.join("zero.rgl")).unwrap();
    let (set_path, file) = (set.to_str().unwrap(), set.join("rules.rgl"));
    let (code, stdout, stderr) = run(&["check", set_path, file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("checked 1 file (4 services): no problems"), "{stdout}");
    assert!(stderr.contains("zero.rgl` is a link that leads out of"), "{stderr}");

    let fifo = dir.join("pipe.rgl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (code, _, stderr) = run(&["check", fifo.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("pipe.rgl` is not a regular file"), "{stderr}");
    let (code, _, stderr) = run(&["check", "/dev/zero"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`/dev/zero` is not a regular file"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn colour_follows_the_flag() {
    let bad = "tests/check/bad/unknown_type.rgl";
    let (_, always, _) = run(&["check", "--color", "always", bad]);
    let (_, never, _) = run(&["check", "--color", "never", bad]);
    let (_, auto, _) = run(&["check", bad]);
    assert!(always.contains('\u{1b}'), "--color always colours");
    assert!(!never.contains('\u{1b}'), "--color never does not");
    assert!(!auto.contains('\u{1b}'), "not a terminal: no colour");
}

#[test]
fn output_is_deterministic() {
    let args = ["check", "--format", "json", "tests/check/bad", "regulations"];
    assert_eq!(run(&args), run(&args));
}

cli_snapshot!(chains_birth, "chains", "birth_of_child");
cli_snapshot!(chains_marriage, "chains", "marriage_surname_change");
cli_snapshot!(chains_marriage_json, "chains", "marriage_surname_change", "--format", "json");
cli_snapshot!(chains_marriage_mermaid, "chains", "marriage_surname_change", "--format", "mermaid");
cli_snapshot!(chains_event, "chains", "birth_registered", "regulations");
cli_snapshot!(chains_unknown, "chains", "birth_of_chld");
cli_snapshot!(chains_on_broken_set, "chains", "s", "tests/check/bad/independent_errors.rgl");
cli_snapshot!(chains_help, "chains", "--help");
cli_snapshot!(graph_marriage_dot, "graph", "--situation", "marriage_surname_change");
cli_snapshot!(
    graph_marriage_mermaid,
    "graph",
    "--situation",
    "marriage_surname_change",
    "--format",
    "mermaid"
);
cli_snapshot!(graph_birth_json, "graph", "--situation", "birth_of_child", "--format", "json");
cli_snapshot!(graph_unknown_situation, "graph", "--situation", "wedding");
cli_snapshot!(graph_help, "graph", "--help");

/// The DOT output is valid for the real Graphviz (installed by `.ci/run`).
#[test]
fn dot_output_is_accepted_by_graphviz() {
    for args in [
        &["graph"][..],
        &["graph", "--situation", "birth_of_child"],
        &["graph", "tests/check/good/fully_russian.rgl"],
    ] {
        let (code, dot, _) = run(args);
        assert_eq!(code, 0, "{args:?}");
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("Graphviz `dot` is installed (apt-get install graphviz)");
        use std::io::Write;
        child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "dot rejected {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

/// Mermaid flowcharts: every edge joins declared nodes, and labels are quoted.
#[test]
fn mermaid_flowchart_is_well_formed() {
    let (code, text, _) = run(&["graph", "--format", "mermaid"]);
    assert_eq!(code, 0);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut declared = std::collections::HashSet::new();
    for line in lines {
        let line = line.trim();
        let id: String = line.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if line.contains("-->") || line.contains("-.->") {
            let parts: Vec<&str> = line.split_whitespace().collect();
            assert!(declared.contains(parts[0]), "{line}");
            assert!(declared.contains(*parts.last().unwrap()), "{line}");
        } else {
            assert!(line[id.len()..].contains('"'), "label not quoted: {line}");
            assert!(declared.insert(id.clone()), "node declared twice: {line}");
        }
    }
}

cli_snapshot!(simulate_help, "simulate", "--help");
cli_snapshot!(schema_help, "schema", "--help");
cli_snapshot!(simulate_example, "simulate", "examples/profiles/birth.yaml", "--as-of", "2026-03-01");
cli_snapshot!(simulate_pensioners, "simulate", "examples/profiles/pensioners.yaml", "--as-of", "2026-11-30");
cli_snapshot!(
    simulate_example_json,
    "simulate",
    "examples/profiles/birth.yaml",
    "--as-of",
    "2026-03-01",
    "--format",
    "json"
);
cli_snapshot!(
    simulate_bad_profile,
    "simulate",
    "tests/simulate/bad/unknown_group_type.yaml",
    "--as-of",
    "2026-03-01"
);
cli_snapshot!(simulate_missing_file, "simulate", "no/such/profiles.yaml", "--as-of", "2026-03-01");
cli_snapshot!(simulate_bad_date_flag, "simulate", "examples/profiles/birth.yaml", "--as-of", "2026-02-30");
cli_snapshot!(
    simulate_personal_chains,
    "simulate",
    "examples/profiles/marriage.yaml",
    "--as-of",
    "2026-06-21",
    "--chain",
    "marriage_surname_change"
);
cli_snapshot!(
    simulate_unknown_chain,
    "simulate",
    "examples/profiles/marriage.yaml",
    "--as-of",
    "2026-06-21",
    "--chain",
    "marriage_surname"
);
cli_snapshot!(simulate_batch_csv, "simulate", "tests/simulate/batch/population.csv", "--as-of", "2026-11-24");
cli_snapshot!(
    simulate_batch_jsonl,
    "simulate",
    "tests/simulate/batch/population.jsonl",
    "--as-of",
    "2026-11-24"
);
cli_snapshot!(
    simulate_batch_strict,
    "simulate",
    "--strict",
    "tests/simulate/batch/population.jsonl",
    "--as-of",
    "2026-11-24"
);
cli_snapshot!(
    simulate_batch_bad_header,
    "simulate",
    "tests/simulate/batch/bad_header.csv",
    "--as-of",
    "2026-11-24"
);
cli_snapshot!(evaluate_help, "evaluate", "--help");
cli_snapshot!(
    evaluate_bad_rows,
    "evaluate",
    "benefits",
    "--regulations",
    "examples/bench/rules.rgl",
    "--in",
    "tests/bench/bad_rows.csv",
    "--columns",
    "person_id,pension_eligible,total_benefits",
    "--as-of",
    "2024-01-01"
);
cli_snapshot!(
    evaluate_bad_rows_explained,
    "evaluate",
    "benefits",
    "--regulations",
    "examples/bench/rules.rgl",
    "--in",
    "tests/bench/bad_rows.csv",
    "--columns",
    "person_id,pension_eligible,total_benefits",
    "--as-of",
    "2024-01-01",
    "--out",
    "/dev/null",
    "--explain",
    "/dev/stdout"
);
cli_snapshot!(
    evaluate_copied_cells,
    "evaluate",
    "benefits",
    "--regulations",
    "examples/bench/rules.rgl",
    "--in",
    "tests/bench/copied_cells.csv",
    "--columns",
    "person_id,note,total_benefits",
    "--as-of",
    "2024-01-01"
);
cli_snapshot!(
    evaluate_copied_cells_one_by_one,
    "evaluate",
    "benefits",
    "--regulations",
    "examples/bench/rules.rgl",
    "--in",
    "tests/bench/copied_cells.csv",
    "--columns",
    "person_id,note,total_benefits",
    "--as-of",
    "2024-01-01",
    "--single-cases",
    "10"
);
cli_snapshot!(
    evaluate_missing_column,
    "evaluate",
    "benefits",
    "--regulations",
    "examples/bench/rules.rgl",
    "--in",
    "tests/bench/missing_column.csv",
    "--columns",
    "person_id,pension_eligible,child_allowance_eligible,total_benefits",
    "--as-of",
    "2024-01-01"
);
cli_snapshot!(
    evaluate_full_disk,
    "evaluate",
    "benefits",
    "--regulations",
    "examples/bench/rules.rgl",
    "--in",
    "tests/bench/edge_cases.csv",
    "--columns",
    "person_id,total_benefits",
    "--as-of",
    "2024-01-01",
    "--out",
    "/dev/null",
    "--explain",
    "/dev/full"
);
cli_snapshot!(
    evaluate_quoted_rows,
    "evaluate",
    "benefits",
    "--regulations",
    "examples/bench/rules.rgl",
    "--in",
    "tests/bench/quoted_rows.csv",
    "--columns",
    "person_id,income_per_member,total_benefits",
    "--as-of",
    "2024-01-01"
);
cli_snapshot!(
    evaluate_unknown_column,
    "evaluate",
    "benefits",
    "--regulations",
    "examples/bench/rules.rgl",
    "--in",
    "tests/bench/edge_cases.csv",
    "--columns",
    "person_id,total",
    "--as-of",
    "2024-01-01"
);
cli_snapshot!(suite_help, "test", "--help");
cli_snapshot!(explain_a_code, "explain", "w0401");
cli_snapshot!(explain_an_unknown_code, "explain", "E010");
cli_snapshot!(list_situations_and_services, "list", "--kind", "situation", "--kind", "service");
cli_snapshot!(list_persons_and_groups, "list", "--kind", "person", "--kind", "group");
cli_snapshot!(list_parameters_json, "list", "--kind", "parameter", "--on", "2024-06-01", "--format", "json");
cli_snapshot!(suite_with_a_failure, "test", "tests/suite", "--coverage");
cli_snapshot!(
    suite_min_coverage,
    "test",
    "tests/suite/allowance.rgl",
    "tests/suite/allowance.test.yaml",
    "--min-coverage",
    "90"
);
cli_snapshot!(
    suite_bad_files,
    "test",
    "tests/suite/allowance.rgl",
    "tests/suite-bad/empty.test.yaml",
    "tests/suite-bad/list_expectation.test.yaml",
    "tests/suite-bad/misspelt_key.test.yaml",
    "tests/suite-bad/number_output.test.yaml",
    "tests/suite-bad/profile_error.test.yaml",
    "tests/suite-bad/bad_date.test.yaml",
    "tests/suite-bad/no_subject.test.yaml"
);
cli_snapshot!(
    evaluate_groups,
    "evaluate",
    "unified_allowance",
    "--groups",
    "tests/groups/households.csv",
    "--persons",
    "tests/groups/persons.csv",
    "--columns",
    "id,outcome,household_size,income_per_member,minors,monthly_amount",
    "--as-of",
    "2026-03-01"
);
cli_snapshot!(
    evaluate_groups_explained,
    "evaluate",
    "unified_allowance",
    "--groups",
    "tests/groups/households.csv",
    "--persons",
    "tests/groups/persons.csv",
    "--columns",
    "id,outcome",
    "--as-of",
    "2026-03-01",
    "--out",
    "/dev/null",
    "--explain",
    "/dev/stdout"
);
cli_snapshot!(
    evaluate_groups_bad_rows,
    "evaluate",
    "unified_allowance",
    "--groups",
    "tests/groups/households.csv",
    "--persons",
    "tests/groups/persons_bad_rows.csv",
    "--columns",
    "id,outcome",
    "--as-of",
    "2026-03-01"
);
// Line ends `\r\n`, a blank line, a quoted cell holding a comma, a record with a cell
// missing, a cell that is not UTF-8, a last record without a line end.
cli_snapshot!(
    evaluate_groups_malformed,
    "evaluate",
    "unified_allowance",
    "--groups",
    "tests/groups/households.csv",
    "--persons",
    "tests/groups/persons_malformed.csv",
    "--columns",
    "id,outcome",
    "--as-of",
    "2026-03-01"
);
cli_snapshot!(
    evaluate_groups_out_of_order,
    "evaluate",
    "unified_allowance",
    "--groups",
    "tests/groups/households.csv",
    "--persons",
    "tests/groups/persons_out_of_order.csv",
    "--columns",
    "id,outcome",
    "--as-of",
    "2026-03-01"
);
cli_snapshot!(
    evaluate_groups_for_a_person_service,
    "evaluate",
    "maternity_capital",
    "--groups",
    "tests/groups/households.csv",
    "--persons",
    "tests/groups/persons.csv",
    "--columns",
    "amount",
    "--as-of",
    "2026-03-01"
);
cli_snapshot!(suite_min_coverage_not_a_number, "test", "tests/suite", "--min-coverage", "NaN");
cli_snapshot!(suite_json, "test", "tests/suite", "--format", "json", "--coverage");
cli_snapshot!(suite_filter, "test", "tests/suite", "--filter", "income");
cli_snapshot!(suite_filter_matches_nothing, "test", "tests/suite", "--filter", "no such test");

/// The library's own tests pass: `reglament test regulations` ends with "N passed, 0 failed".
#[test]
fn library_tests_pass() {
    let (code, stdout, stderr) = run(&["test", "regulations"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn junit_xml_is_written() {
    let dir = std::env::temp_dir().join(format!("reglament-junit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (xml_path, escaped) = (dir.join("junit.xml"), dir.join("escaped.test.yaml"));
    // A test name with a control character, which XML cannot hold.
    let text = std::fs::read_to_string("tests/suite/allowance.test.yaml").unwrap();
    std::fs::write(
        &escaped,
        text.replacen("name: two children, low income", r#"name: "two \e[31mchildren""#, 1),
    )
    .unwrap();
    let xml_arg = xml_path.to_str().unwrap();
    let args = [
        "test",
        "tests/suite",
        "tests/suite-bad/empty.test.yaml",
        escaped.to_str().unwrap(),
        "--junit",
        xml_arg,
    ];
    let (code, _, _) = run(&args);
    assert_eq!(code, 1);
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let xml = xml.replace(escaped.to_str().unwrap(), "ESCAPED");
    insta::assert_snapshot!("junit_xml", xml);
    valid_junit(&xml_path);

    // A set that does not check still gives XML, replacing an old report.
    let (code, _, _) = run(&["test", "tests/check/bad/unknown_type.rgl", "tests/suite", "--junit", xml_arg]);
    assert_eq!(code, 1);
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    assert!(xml.contains(r#"errors="1""#) && xml.contains("the regulation set does not check"), "{xml}");
    valid_junit(&xml_path);
    std::fs::remove_dir_all(&dir).ok();
}

/// Valid against the JUnit XSD CI systems read (tests/schemas/junit-10.xsd).
fn valid_junit(xml: &Path) {
    let script = "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])";
    let out = Command::new("python3")
        .args(["-c", script, "tests/schemas/junit-10.xsd", xml.to_str().unwrap()])
        .output()
        .expect("python3 with xmlschema (bash .ci/run installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Valid against the published SARIF 2.1.0 schema (tests/schemas/sarif-schema-2.1.0.json).
fn valid_sarif(log: &str) {
    let script = "import sys, json, jsonschema; \
        schema = json.load(open(sys.argv[1])); \
        jsonschema.Draft4Validator(schema).validate(json.load(sys.stdin))";
    let mut child = Command::new("python3")
        .args(["-c", script, "tests/schemas/sarif-schema-2.1.0.json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with jsonschema (bash .ci/run installs it)");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), log.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Every service, criterion and refusal ground of the library is exercised both ways.
#[test]
fn library_tests_cover_everything() {
    let (code, stdout, _) = run(&["test", "regulations", "--min-coverage", "100"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("coverage: 100.0 %"), "{stdout}");
}

/// A file of thousands of errors shows the first hundred and counts the rest (rendering
/// each reads the file up to it); JSON lists every one.
#[test]
fn human_output_caps_the_errors_of_a_file() {
    let file = std::env::temp_dir().join(format!("reglament-errors-{}.rgl", std::process::id()));
    let text: String = (0..3_000).map(|i| format!("service s{i} {{ title 12 }}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap();
    let (code, stdout, _) = run(&["check", path]);
    assert_eq!(code, 1);
    assert_eq!(stdout.matches("E0001").count(), 100, "the first hundred are shown");
    assert!(stdout.contains("… and 2900 more in"), "{}", &stdout[stdout.len().saturating_sub(300)..]);
    assert!(stdout.ends_with("checked 1 file (0 services): 3000 errors, 0 warnings\n"));
    let (_, json, _) = run(&["check", path, "--format", "json"]);
    assert_eq!(json.matches("\"code\": \"E0001\"").count(), 3_000);
    std::fs::remove_file(&file).ok();
}

/// A title holding terminal escape sequences is shown by the pictures of its control
/// characters in every human and DOT output, never sent to the terminal.
#[test]
fn control_characters_are_shown_not_sent() {
    let dir = std::env::temp_dir().join(format!("reglament-escapes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rgl = dir.join("esc.rgl");
    std::fs::write(
        &rgl,
        "agency a { title \"A\u{1b}]0;pwned\u{7}\" level federal }\n\
         person p { field x: int }\n\
         registry r { title \"R\" owner a provides p.x }\n\
         event e { title \"E\u{1b}[31m\" registry r role p: p }\n\
         service s { title \"S\u{1b}[2J\" agency a legal \"L\" kind payment deadline 1 days subject p: p input x from p.x criterion c \"C\u{1b}\" = x > 0 }\n\
         situation sit { title \"T\u{1b}\" on e services s }\n\
         trigger t { on e provide s consent opt_out notify portal }\n",
    )
    .unwrap();
    let profile = dir.join("p.yaml");
    std::fs::write(
        &profile,
        "- id: p\n  persons: [{ id: p, facts: { x: 1 } }]\n  events: [{ event: e, date: 2026-01-01, roles: { p: p } }]\n",
    )
    .unwrap();
    let (rgl, profile) = (rgl.to_str().unwrap(), profile.to_str().unwrap());
    for args in [
        vec!["chains", "sit", rgl],
        vec!["chains", "sit", rgl, "--format", "mermaid"],
        vec!["graph", rgl],
        vec!["graph", rgl, "--format", "mermaid"],
        vec!["simulate", profile, "--regulations", rgl, "--as-of", "2026-02-01", "--explain"],
    ] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{7}'), "{args:?}: {stdout:?}");
        assert!(stdout.contains('\u{241b}'), "{args:?} shows the escape's picture: {stdout}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `evaluate` of the peer benchmark's rules on `input` into `output`, for two columns.
fn evaluate_bench(input: &std::path::Path, output: &std::path::Path, more: &[&str]) -> (i32, String, String) {
    let (input, output) = (input.to_str().unwrap(), output.to_str().unwrap());
    let mut args = vec!["evaluate", "benefits", "--regulations", "examples/bench/rules.rgl", "--in", input];
    args.extend(["--out", output, "--columns", "person_id,total_benefits", "--as-of", "2024-01-01"]);
    args.extend(more);
    run(&args)
}

/// `evaluate` never writes over its input, and a run that fails leaves the old output as
/// it was (files are written beside and renamed at the end).
#[test]
fn evaluate_keeps_its_input_and_a_good_old_output() {
    let dir = std::env::temp_dir().join(format!("reglament-replace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.csv");
    std::fs::copy("tests/bench/edge_cases.csv", &input).unwrap();
    let evaluate = |out: &str, more: &[&str]| evaluate_bench(&input, std::path::Path::new(out), more);
    let (code, _, stderr) = evaluate(input.to_str().unwrap(), &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is the input file; write it elsewhere"), "{stderr}");
    assert_eq!(std::fs::read(&input).unwrap(), std::fs::read("tests/bench/edge_cases.csv").unwrap());

    let output = dir.join("out.csv");
    std::fs::write(&output, "the old output\n").unwrap();
    let (code, _, stderr) = evaluate(output.to_str().unwrap(), &["--explain", "/dev/full"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "the old output\n");
    let (code, _, stderr) = evaluate(output.to_str().unwrap(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(&output).unwrap().starts_with("person_id,total_benefits\n"));
    let left: Vec<_> =
        std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Headers: one longer than a block of reading is read whole; one with a carriage return
/// that ends no line (a file of CR line ends) is refused, not silently misread.
#[test]
fn evaluate_reads_the_header_whole_or_refuses_it() {
    let dir = std::env::temp_dir().join(format!("reglament-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string("tests/bench/edge_cases.csv").unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let evaluate = |name: &str, content: String| {
        let (input, output) = (dir.join(name), dir.join("out.csv"));
        std::fs::write(&input, content).unwrap();
        let (code, _, stderr) = evaluate_bench(&input, &output, &[]);
        (code, stderr, std::fs::read_to_string(&output).unwrap_or_default())
    };
    let long = format!("{header},{}\n{}", "x".repeat(5 << 20), rows.replace('\n', ",\n"));
    let (code, stderr, out) = evaluate("long.csv", long);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out.lines().count(), text.lines().count(), "every row written");

    for (name, content) in [("cr.csv", text.replace('\n', "\r")), ("lone.csv", format!("{header}\r{rows}"))] {
        let (code, stderr, _) = evaluate(name, content);
        assert_eq!(code, 2, "{name}");
        assert!(stderr.contains("the header line holds a carriage return that ends no line"), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A byte order mark before the first line does not shift its columns.
#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let file = std::env::temp_dir().join(format!("reglament-bom-{}.rgl", std::process::id()));
    std::fs::write(&file, "\u{feff}agency a { title \"A\" level nope }\n").unwrap();
    let (code, stdout, _) = run(&["check", "--format", "json", file.to_str().unwrap()]);
    std::fs::remove_file(&file).ok();
    assert_eq!(code, 1);
    assert!(
        stdout.contains("\"line\": 1,\n      \"column\": 8,"),
        "the name `a` is the eighth character: {stdout}"
    );
}

/// A line of JSON Lines that is not UTF-8 is reported with its number; the lines around it
/// are simulated.
#[test]
fn a_json_line_that_is_not_utf8_is_reported_and_the_run_goes_on() {
    let file = std::env::temp_dir().join(format!("reglament-lines-{}.jsonl", std::process::id()));
    std::fs::write(&file, b"{\"id\":\"a\"}\n\xff\xfe\n{\"id\":\"b\"}\n").unwrap();
    let (code, stdout, stderr) = run(&["simulate", file.to_str().unwrap(), "--as-of", "2026-11-24"]);
    std::fs::remove_file(&file).ok();
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stderr.contains(":2: not UTF-8 text"), "{stderr}");
    assert!(stderr.contains("2 rows simulated, 1 malformed"), "{stderr}");
}

/// A test file may start with a byte order mark; a profile file must be a regular file.
#[test]
fn test_and_profile_files_are_read_as_text_files() {
    let dir = std::env::temp_dir().join(format!("reglament-texts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tests = dir.join("marked.test.yaml");
    let text = std::fs::read_to_string("tests/suite/allowance.test.yaml").unwrap();
    std::fs::write(&tests, format!("\u{feff}{text}")).unwrap();
    let (code, stdout, _) = run(&["test", "tests/suite/allowance.rgl", tests.to_str().unwrap()]);
    assert_eq!(code, 1, "the third test fails on purpose: {stdout}");
    assert!(stdout.contains("2 passed, 1 failed"), "{stdout}");
    let (code, _, stderr) = run(&["simulate", "/dev/zero", "--as-of", "2026-11-24"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`/dev/zero` is not a regular file"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A completion script for each shell, knowing the commands and their options.
#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, stderr) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        for word in ["simulate", "evaluate", "min-coverage", "format"] {
            assert!(script.contains(word), "{shell} completes `{word}`");
        }
    }
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{stderr}");
}

/// `-` reads standard input: a regulation to check, a profile to simulate.
#[test]
fn a_dash_reads_standard_input() {
    use std::io::Write;
    let piped = |args: &[&str], input: &[u8]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string())
    };
    let bad = std::fs::read("tests/check/bad/unknown_type.rgl").unwrap();
    let (code, stdout) = piped(&["check", "--format", "short", "-"], &bad);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("<stdin>:"), "{stdout}");
    let profile = std::fs::read("examples/profiles/birth.yaml").unwrap();
    let (code, stdout) = piped(&["simulate", "-", "--as-of", "2026-03-01"], &profile);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("profile petrova-family"), "{stdout}");
    let rows = std::fs::read("tests/bench/edge_cases.csv").unwrap();
    let rules = "examples/bench/rules.rgl";
    let args = [
        "evaluate",
        "benefits",
        "--regulations",
        rules,
        "--in",
        "-",
        "--out",
        "-",
        "--columns",
        "person_id",
        "--as-of",
        "2024-01-01",
    ];
    let (code, stdout) = piped(&args, &rows);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), String::from_utf8_lossy(&rows).lines().count(), "{stdout}");
}

/// The manual page is roff that `man` reads, naming every command.
#[test]
fn the_manual_page_names_every_command() {
    let (code, page, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH reglament 1"), "{page}");
    for command in
        ["check", "chains", "graph", "simulate", "schema", "evaluate", "test", "list", "completions"]
    {
        assert!(page.contains(command), "{command} is in the manual page");
    }
}

/// SARIF 2.1.0 as code-scanning services read it: every rule by code, every result with
/// its rule, level, message and region; warnings allowed with `--allow` listed as
/// suppressed.
#[test]
fn check_writes_sarif() {
    let sarif = |args: &[&str]| {
        let (code, stdout, _) = run(args);
        valid_sarif(&stdout);
        (code, serde_json::from_str::<serde_json::Value>(&stdout).unwrap())
    };
    let (code, log) = sarif(&["check", "--format", "sarif", "tests/check/bad/independent_errors.rgl"]);
    assert_eq!(code, 1);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), reglament::diagnostic::Code::ALL.len());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        assert_eq!(r["level"], "error");
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1);
    }

    let args = ["check", "--format", "sarif", "--allow", "W0001", "tests/check/bad/unused_parameter.rgl"];
    let (code, log) = sarif(&args);
    assert_eq!(code, 0);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "W0001");
    assert_eq!(results[0]["suppressions"][0]["kind"], "external");

    // An allow comment in the regulation: suppressed in source, with its reason.
    let (code, log) = sarif(&["check", "--format", "sarif", "tests/check/good/allow_comments.rgl"]);
    assert_eq!(code, 0);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "W0001 and W0401, both allowed");
    for r in results {
        assert_eq!(r["suppressions"][0]["kind"], "inSource");
        assert!(!r["suppressions"][0]["justification"].as_str().unwrap().is_empty());
    }
}

/// `test --reset` writes what came into the failing expectations (one-line ones; others are
/// named), so that a review of the diff updates the tests; the tests then pass.
#[test]
fn test_reset_writes_what_came() {
    let dir = std::env::temp_dir().join(format!("reglament-reset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("tests/suite/allowance.rgl", dir.join("allowance.rgl")).unwrap();
    let text = std::fs::read_to_string("tests/suite/allowance.test.yaml").unwrap();
    let text = text
        .replace(r#"outputs: { amount: "2000.00" }"#, r#"outputs: { amount: "1.00" }"#)
        .replace("missing: [ivan.income]", "missing: [ivan.children]");
    // An expectation over several lines is left to be changed by hand.
    let text =
        text.replace("    allowance[ivan]: granted\n", "    allowance[ivan]:\n      outcome: granted\n");
    let tests = dir.join("allowance.test.yaml");
    std::fs::write(&tests, &text).unwrap();
    let d = dir.to_str().unwrap();
    let (code, _, stderr) = run(&["test", d, "--reset"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("3 failing test(s) now expect what came"), "{stderr}");
    assert!(
        stderr.contains(
            "wrongly expects a grant to a rich family: allowance[ivan]: written over several lines"
        ),
        "{stderr}"
    );
    let reset = std::fs::read_to_string(&tests).unwrap();
    assert!(
        reset.contains(r#"allowance[ivan]: { outcome: granted, outputs: { amount: "2000.00" } }"#),
        "{reset}"
    );
    assert!(
        reset.contains("allowance[ivan]: { outcome: insufficient data, missing: [ivan.income] }"),
        "{reset}"
    );
    let (_, stdout, _) = run(&["test", d]);
    assert!(stdout.contains("2 passed, 1 failed"), "only the one by hand fails: {stdout}");
    std::fs::remove_dir_all(&dir).ok();
}
