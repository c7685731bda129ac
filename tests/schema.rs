//! The JSON Schema of profiles: a snapshot for a small regulation set, and every profile
//! the tests and examples use validates against the schema of the bundled library
//! (checked by Python's `jsonschema`, which `.ci/run` installs when missing).

use std::process::Command;

fn reglament(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn schema_of_a_small_set() {
    insta::assert_snapshot!(reglament(&["schema", "tests/check/good/fully_russian.rgl"]));
}

#[test]
fn profiles_validate_against_the_schema() {
    let schema = std::env::temp_dir().join(format!("reglament-schema-{}.json", std::process::id()));
    std::fs::write(&schema, reglament(&["schema"])).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = Vec::new();
    for dir in ["tests/simulate", "examples/profiles"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                files.push(path.display().to_string());
            }
        }
    }
    files.sort();
    let out = Command::new("python3")
        .arg(root.join("tests/schema_check.py"))
        .arg(&schema)
        .args(&files)
        .output()
        .expect("python3 runs");
    std::fs::remove_file(&schema).ok();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_profiles_fail_the_schema_too() {
    let schema = std::env::temp_dir().join(format!("reglament-schema-bad-{}.json", std::process::id()));
    std::fs::write(&schema, reglament(&["schema"])).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "unknown_group_type.yaml",
        "unknown_field.yaml",
        "bad_enum.yaml",
        "missing_id.yaml",
        "three_parents.yaml",
    ] {
        assert!(root.join("tests/simulate/bad").join(file).is_file(), "{file} exists");
        let out = Command::new("python3")
            .arg(root.join("tests/schema_check.py"))
            .arg(&schema)
            .arg(root.join("tests/simulate/bad").join(file))
            .output()
            .unwrap();
        assert!(!out.status.success(), "{file} should not validate");
    }
    std::fs::remove_file(&schema).ok();
}
