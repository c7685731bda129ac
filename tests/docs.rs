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

fn check_page(name: &str) {
    let markdown = page(name);
    let blocks = blocks(&markdown);
    let page = name;
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

/// A page of `docs/`.
fn page(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name)).unwrap()
}

/// The text of the first code block that follows `opening` (which ends with the fence line).
fn block_after<'p>(page: &'p str, opening: &str) -> &'p str {
    page.split(opening).nth(1).and_then(|s| s.split("```").next()).expect("the block is on the page")
}

/// Runs the binary from the repository root.
fn reglament<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// Writes an example to a fresh temporary directory under the given file name.
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("reglament-docs-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

/// The JSON example of the `check` page is the real output of the command it names.
#[test]
fn check_page_json_example_is_real() {
    let page = page("cli/check.md");
    let command = page.split("For `reglament ").nth(1).and_then(|s| s.split('`').next()).expect("a command");
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(String::from_utf8_lossy(&reglament(&args).stdout), block_after(&page, "```json\n"));
}

/// The table in the `chains` page is the real output for the marriage situation.
#[test]
fn chains_page_example_is_real() {
    let page = page("cli/chains.md");
    let example = block_after(&page, "`--format human` (default):\n\n```\n");
    let out = reglament(&["chains", "marriage_surname_change"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), example);
}

/// The dated example of the `chains` page: working days on the production calendar.
#[test]
fn chains_page_dated_example_is_real() {
    let page = page("cli/chains.md");
    let example = block_after(&page, "$ reglament chains birth_of_child --from 2026-04-28\n");
    let out = reglament(&["chains", "birth_of_child", "--from", "2026-04-28"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), example);
}

/// The commands of the `fmt` page: the library is formatted, and turns Russian.
#[test]
fn fmt_page_commands_run() {
    let page = page("cli/fmt.md");
    let block = block_after(&page, "```console\n");
    assert!(block.contains("$ reglament fmt --check regulations examples"));
    assert_eq!(reglament(&["fmt", "--check", "regulations", "examples"]).status.code(), Some(0));
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/regulations/birth/snils.rgl")).unwrap();
    let ru = reglament::format::format(&text, Some(reglament::format::Keywords::Ru)).unwrap();
    assert!(ru.contains("услуга snils_assignment {") && ru.contains("срок 5 рабочих дней"), "{ru}");
}

/// The profile example of the `simulate` page reads against the bundled library.
#[test]
fn simulate_page_profile_example_reads() {
    let file = temp_file("profile.yaml", block_after(&page("cli/simulate.md"), "```yaml\n"));
    let out = reglament(&["simulate".as_ref(), file.as_os_str(), "--as-of".as_ref(), "2026-03-01".as_ref()]);
    std::fs::remove_file(&file).ok();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("unified_allowance"));
}

/// The test example of the `test` page passes against the bundled library.
#[test]
fn test_page_example_passes() {
    let file = temp_file("page.test.yaml", block_after(&page("cli/test.md"), "```yaml\n"));
    let out = reglament(&["test".as_ref(), "regulations".as_ref(), file.as_os_str()]);
    std::fs::remove_file(&file).ok();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The tutorial: every file it shows is the file in the repository, and every command it
/// shows prints exactly the output shown.
#[test]
fn tutorial_is_true() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = page("tutorial.md");
    let mut checked = 0;
    for block in page.split("```").skip(1).step_by(2) {
        let (info, body) = block.split_once('\n').unwrap();
        if let Some(file) = info.split_whitespace().find_map(|w| w.strip_prefix("file=")) {
            assert_eq!(body, std::fs::read_to_string(root.join(file)).unwrap(), "{file}");
            checked += 1;
        } else if info == "console" {
            let (command, expected) = body.split_once('\n').unwrap();
            let args: Vec<&str> = command.strip_prefix("$ reglament ").unwrap().split_whitespace().collect();
            let out = reglament(&args);
            assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "$ reglament {}", args.join(" "));
            checked += 1;
        }
    }
    assert_eq!(checked, 7);
}

/// The bad-rows example of the `evaluate` page is the real transcript of its command.
#[test]
fn evaluate_page_bad_rows_example_is_real() {
    let page = page("cli/evaluate.md");
    let block = block_after(&page, "and the exit code is 1.\n\n```\n");
    let (command, shown) = block.split_once('\n').expect("a command line, then its output");
    let args: Vec<&str> = command.trim_start_matches("$ reglament ").split_whitespace().collect();
    let out = reglament(&args);
    assert_eq!(out.status.code(), Some(1));
    let transcript =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(transcript, shown);
}

/// The groups example of the `evaluate` page is the real output of its command.
#[test]
fn evaluate_page_groups_example_is_real() {
    let page = page("cli/evaluate.md");
    let block = block_after(&page, "(the facts of its members included).\n\n```console\n");
    let (command, shown) = block.split_once('\n').expect("a command line, then its output");
    let args: Vec<&str> = command.trim_start_matches("$ reglament ").split_whitespace().collect();
    let out = reglament(&args);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), shown);
}

/// The `--explain` example of the `evaluate` page: its command, and the beginning of the
/// first tree it writes.
#[test]
fn evaluate_page_explain_example_is_real() {
    let page = page("cli/evaluate.md");
    let command = block_after(&page, "as above:\n\n```\n").trim();
    let args: Vec<&str> = command.trim_start_matches("$ reglament ").split_whitespace().collect();
    let out = reglament(&args);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().next().expect("a tree");
    let shown = block_after(&page, "```json\n").trim();
    let (start, end) = shown.split_once(", …").expect("the example is shortened");
    assert!(first.starts_with(start) && first.ends_with(end), "{first}");
}

/// Every diagnostic code has its section in `docs/codes.md` (what `reglament explain`
/// prints), and each section's example gives its code.
#[test]
fn every_code_is_explained_with_an_example_that_gives_it() {
    for code in reglament::diagnostic::Code::ALL {
        let section = reglament::cli::explain::section(*code)
            .unwrap_or_else(|| panic!("{} has no section in docs/codes.md", code.as_str()));
        let examples = blocks(section);
        if *code == reglament::diagnostic::Code::NotUtf8 {
            assert!(examples.is_empty(), "a file that is not UTF-8 cannot be shown as an example");
            continue;
        }
        assert_eq!(examples.len(), 1, "{} has one example", code.as_str());
        let (_, compiled) = common::compile_text(&format!("{}.rgl", code.as_str()), &examples[0].text);
        assert!(
            compiled.diagnostics.iter().any(|d| d.code == *code),
            "the example of {} gives {:?}",
            code.as_str(),
            common::codes(&compiled)
        );
    }
}
