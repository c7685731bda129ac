//! The peer benchmark's rules (`examples/bench/rules.rgl`) give, byte for byte, the
//! expected output of the 32 edge cases of the shared bench kit (every threshold on both
//! sides), in batch and in one-case-at-a-time mode. `tests/bench/` holds copies of the
//! kit's `edge_cases.csv` and `edge_cases_expected.csv`, so the test needs nothing beside
//! the checkout.

use std::path::Path;
use std::process::Command;

const COLUMNS: &str = "person_id,household_size,income_per_member,pension_eligible,child_allowance_eligible,child_allowance_amount,second_child_payment,survivor_benefit,disability_extension,total_benefits,any_service_eligible";

fn evaluate(extra: &[&str]) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = root.join("tests/bench/edge_cases.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["evaluate", "benefits", "--regulations", "examples/bench/rules.rgl", "--in"])
        .arg(&input)
        .args(["--columns", COLUMNS, "--as-of", "2024-01-01", "--timings"])
        .args(extra)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn expected() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bench/edge_cases_expected.csv"))
        .unwrap()
}

#[test]
fn edge_cases_are_byte_identical() {
    let (out, stderr) = evaluate(&[]);
    assert_eq!(out, expected());
    assert!(stderr.starts_with("bench tool=reglament mode=batch n=32 "), "{stderr}");
}

#[test]
fn single_cases_match_the_first_rows() {
    let (out, stderr) = evaluate(&["--single-cases", "5"]);
    let want: String = expected().lines().take(6).map(|l| format!("{l}\n")).collect();
    assert_eq!(out, want);
    assert!(stderr.contains("mode=single n=5 "), "{stderr}");
}

/// A cell of megabytes that does not parse is named by its beginning; the other rows are
/// written.
#[test]
fn a_huge_bad_cell_is_reported_briefly() {
    let dir = std::env::temp_dir().join(format!("reglament-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("huge.csv");
    let header =
        "person_id,age,is_female,income,is_disabled,children_count,region_has_kindergarten_place,is_alive";
    let huge = "1".repeat(3_000_000);
    std::fs::write(
        &input,
        format!("{header}\n{huge},55,true,0.00,false,0,true,true\n2,40,true,1.00,false,1,true,true\n"),
    )
    .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["evaluate", "benefits", "--regulations", "examples/bench/rules.rgl", "--in"])
        .arg(&input)
        .args(["--columns", "person_id,total_benefits", "--as-of", "2024-01-01"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "person_id,total_benefits\n2,7000.00\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.len() < 400, "{}", &stderr[..400.min(stderr.len())]);
    assert!(
        stderr.contains(":2: person_id: `1111") && stderr.contains("…` is not a whole number"),
        "{stderr}"
    );
}

/// `--explain` writes one decision tree per row (JSON Lines, in row order) beside the same
/// output, for every row of the file.
#[test]
fn explained_rows_give_the_same_output_and_one_tree_each() {
    let trees = std::env::temp_dir().join(format!("reglament-trees-{}.jsonl", std::process::id()));
    let (out, stderr) = evaluate(&["--explain", trees.to_str().unwrap()]);
    assert_eq!(out, expected());
    assert!(stderr.contains("mode=single n=32 "), "{stderr}");
    let text = std::fs::read_to_string(&trees).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 32);
    let numbers: Vec<u64> = lines.iter().map(|t| t["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (2..34).collect::<Vec<_>>());
    insta::assert_snapshot!(text.lines().take(2).collect::<Vec<_>>().join("\n"));
}
