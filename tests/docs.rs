//! The examples in `docs/` are checked: in each page, the ```rgl blocks together form one
//! regulation set that must check clean; a block marked ```rgl error must fail to check.

mod common;

use reglament::diagnostic::render_human;
use reglament::source::SourceMap;

struct Block {
    line: usize,
    expect_error: bool,
    text: String,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some(info)) if info.starts_with("rgl") => {
                let expect_error = info.split_whitespace().any(|w| w == "error");
                current = Some(Block { line: i + 1, expect_error, text: String::new() });
            }
            (Some(_), Some(_)) => out.extend(current.take()),
            (Some(block), None) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

fn check_page(page: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(page);
    let markdown = std::fs::read_to_string(&path).expect("doc page exists");
    let blocks = blocks(&markdown);
    assert!(!blocks.is_empty(), "{page} has rgl examples");
    let mut set = SourceMap::new();
    for block in &blocks {
        let name = format!("{page}:{}", block.line);
        if block.expect_error {
            let (_, compiled) = common::compile_text(&name, &block.text);
            assert!(compiled.errors() > 0, "{name} should fail to check");
        } else {
            set.add(name, block.text.clone());
        }
    }
    let compiled = reglament::compile(&set);
    assert!(compiled.diagnostics.is_empty(), "{page}:\n{}", render_human(&compiled.diagnostics, &set, false));
}

#[test]
fn language_reference_examples_check() {
    check_page("language.md");
}

#[test]
fn tutorial_examples_check() {
    check_page("tutorial.md");
}

/// The JSON example of the `check` page is the real output of the command it names.
#[test]
fn check_page_json_example_is_real() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli/check.md")).unwrap();
    let command = page
        .split("For `reglament ")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .expect("the page names its command");
    let example = page.split("```json\n").nth(1).and_then(|s| s.split("```").next()).expect("a json block");
    let args: Vec<&str> = command.split_whitespace().collect();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), example);
}

/// The table in the `chains` page is the real output for the marriage situation.
#[test]
fn chains_page_example_is_real() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli/chains.md")).unwrap();
    let example = page
        .split("`--format human` (default):\n\n```\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["chains", "marriage_surname_change"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), example);
}

/// The profile example of the `simulate` page reads against the bundled library.
#[test]
fn simulate_page_profile_example_reads() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli/simulate.md")).unwrap();
    let example = page.split("```yaml\n").nth(1).and_then(|s| s.split("```").next()).unwrap();
    let file = std::env::temp_dir().join(format!("reglament-doc-profile-{}.yaml", std::process::id()));
    std::fs::write(&file, example).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["simulate", file.to_str().unwrap(), "--as-of", "2026-03-01"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    std::fs::remove_file(&file).ok();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("unified_allowance"));
}

/// The test example of the `test` page passes against the bundled library.
#[test]
fn test_page_example_passes() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli/test.md")).unwrap();
    let example = page.split("```yaml\n").nth(1).and_then(|s| s.split("```").next()).unwrap();
    let dir = std::env::temp_dir().join(format!("reglament-doc-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("page.test.yaml");
    std::fs::write(&file, example).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(["test", "regulations"])
        .arg(&file)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
}

/// The tutorial: every file it shows is the file in the repository, and every command it
/// shows prints exactly the output shown.
#[test]
fn tutorial_is_true() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("docs/tutorial.md")).unwrap();
    let mut checked = 0;
    for block in page.split("```").skip(1).step_by(2) {
        let (info, body) = block.split_once('\n').unwrap();
        if let Some(file) = info.split_whitespace().find_map(|w| w.strip_prefix("file=")) {
            assert_eq!(body, std::fs::read_to_string(root.join(file)).unwrap(), "{file}");
            checked += 1;
        } else if info == "console" {
            let (command, expected) = body.split_once('\n').unwrap();
            let args: Vec<&str> = command.strip_prefix("$ reglament ").unwrap().split_whitespace().collect();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_reglament"))
                .args(&args)
                .current_dir(root)
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "$ reglament {}", args.join(" "));
            checked += 1;
        }
    }
    assert_eq!(checked, 7);
}
