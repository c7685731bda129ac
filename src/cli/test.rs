//! `reglament test`: run the regulation tests (`*.test.yaml`) that live beside the
//! regulations.

use super::output::{Replacing, Stdout};
use super::{Color, Exit, compile_clean, load};
use crate::graph::render::printable;
use crate::suite::{self, coverage, junit};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Files or directories: the `.rgl` files form the regulation set, the `*.test.yaml`
    /// files hold the tests
    #[arg(default_value = "regulations")]
    pub paths: Vec<PathBuf>,

    /// Also write the results as JUnit XML to this file
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Report the services, criteria and refusal grounds no test exercised (both ways)
    #[arg(long)]
    pub coverage: bool,

    /// Fail when coverage is below this percentage (implies --coverage)
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    pub min_coverage: Option<f64>,

    /// Run only the tests whose name contains this text
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// Write what came into the failing expectations of the test files, for review
    /// (`git diff` shows what changed)
    #[arg(long)]
    pub reset: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// Each file, each test with ✓ or ✗ and the explanation of a failure
    Human,
    /// One JSON document: files, tests, failures, coverage and totals
    Json,
}

#[derive(Serialize)]
struct JsonReport {
    files: Vec<JsonFile>,
    passed: usize,
    failed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<JsonCoverage>,
}

#[derive(Serialize)]
struct JsonFile {
    file: String,
    /// Why the file could not be read, if it could not.
    error: Option<String>,
    tests: Vec<JsonTest>,
}

#[derive(Serialize)]
struct JsonTest {
    name: String,
    passed: bool,
    /// One text per unmet expectation, with the explanation of the decision.
    failures: Vec<String>,
}

#[derive(Serialize)]
struct JsonCoverage {
    percent: f64,
    covered: usize,
    total: usize,
    missing: Vec<String>,
    below_minimum: bool,
}

/// A percentage from 0 to 100 (`NaN` and the like are refused).
fn percent(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percentage from 0 to 100")),
    }
}

/// Rewrites each test file with failing tests, their expectations set to what came.
fn reset(files: &[PathBuf], outcomes: &[suite::Outcome]) {
    for file in files {
        let shown = load::display(file);
        let failing: Vec<&suite::Outcome> =
            outcomes.iter().filter(|o| o.file == shown && !o.passed()).collect();
        if failing.is_empty() {
            continue;
        }
        let Ok(text) = load::read_text(file) else { continue };
        let (reset, by_hand) = suite::reset(&text, &failing);
        let written = Replacing::create(file).and_then(|mut f| {
            std::io::Write::write_all(&mut f, reset.as_bytes())?;
            f.commit()
        });
        match written {
            Ok(()) => eprintln!("reset: {shown}: {} failing test(s) now expect what came", failing.len()),
            Err(e) => eprintln!("error: cannot write `{shown}`: {e}"),
        }
        for place in by_hand {
            eprintln!("reset: {shown}: {place}: written over several lines; change it by hand");
        }
    }
}

/// Writes the JUnit file whole or not at all.
fn write_junit(path: &Path, xml: &str) -> std::io::Result<()> {
    let mut file = Replacing::create(path)?;
    std::io::Write::write_all(&mut file, xml.as_bytes())?;
    file.commit()
}

fn test_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                walk(&p, out);
            } else if suite::is_test_file(&p) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else if suite::is_test_file(p) {
            out.push(p.clone());
        }
    }
    out
}

pub fn run(args: &TestArgs, color: Color) -> Exit {
    let rgl: Vec<PathBuf> =
        args.paths.iter().filter(|p| p.is_dir() || !suite::is_test_file(p)).cloned().collect();
    let (_, model) = match compile_clean(&rgl, color) {
        Ok(c) => c,
        Err(exit) => {
            // The CI that reads the XML learns why there are no results: no stale file.
            if let Some(path) = &args.junit {
                let xml = junit::set_errors("the regulation set does not check; run `reglament check`");
                if let Err(e) = write_junit(path, &xml) {
                    eprintln!("error: cannot write `{}`: {e}", path.display());
                }
            }
            return exit;
        }
    };
    let files = test_files(&args.paths);
    if files.is_empty() {
        eprintln!("error: no `*.test.yaml` files under the given paths");
        return Exit::Usage;
    }
    let human = args.format == TestFormat::Human;
    let mut outcomes = Vec::new();
    let mut broken = Vec::new();
    let mut json = Vec::new();
    let mut out = Stdout::new();
    for file in &files {
        let shown = load::display(file);
        if human {
            out.line(&shown);
        }
        let mut entry = JsonFile { file: shown.clone(), error: None, tests: Vec::new() };
        match load::read_text(file).and_then(|text| suite::read(&model, &shown, &text)) {
            Ok(tests) => {
                let wanted =
                    |t: &suite::Test| args.filter.as_ref().is_none_or(|f| t.name.contains(f.as_str()));
                for test in tests.into_iter().filter(wanted) {
                    let outcome = suite::run(&model, test);
                    if human {
                        let mark = if outcome.passed() { "✓" } else { "✗" };
                        out.line(&printable(format!("  {mark} {}", outcome.name)));
                        for failure in &outcome.failures {
                            for line in failure.lines() {
                                out.line(&printable(format!("      {line}")));
                            }
                        }
                    }
                    entry.tests.push(JsonTest {
                        name: outcome.name.clone(),
                        passed: outcome.passed(),
                        failures: outcome.failures.clone(),
                    });
                    outcomes.push(outcome);
                }
            }
            Err(e) => {
                if human {
                    out.line(&printable(format!("  ✗ {e}")));
                }
                entry.error = Some(e.clone());
                broken.push(junit::Broken { file: shown, message: e });
            }
        }
        json.push(entry);
    }
    if args.reset {
        reset(&files, &outcomes);
    }
    if outcomes.is_empty() && broken.is_empty() {
        eprintln!("error: no test matches `{}`", args.filter.as_deref().unwrap_or(""));
        return Exit::Usage;
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count() + broken.len();
    let passed = outcomes.len() + broken.len() - failed;
    if let Some(path) = &args.junit
        && let Err(e) = write_junit(path, &junit::xml(&outcomes, &broken))
    {
        eprintln!("error: cannot write `{}`: {e}", path.display());
        return Exit::Usage;
    }
    let mut low = false;
    let mut json_coverage = None;
    if args.coverage || args.min_coverage.is_some() {
        let c = coverage::measure(&model, &outcomes);
        low = args.min_coverage.is_some_and(|min| c.percent() < min);
        if human {
            out.line(&format!(
                "\ncoverage: {:.1} % ({} of {} items: services decided, criteria and refusal grounds seen both ways)",
                c.percent(),
                c.covered,
                c.total
            ));
            for m in &c.missing {
                out.line(&format!("  not covered: {m}"));
            }
            if let (true, Some(min)) = (low, args.min_coverage) {
                out.line(&format!("coverage {:.1} % is below the minimum of {min} %", c.percent()));
            }
        }
        json_coverage = Some(JsonCoverage {
            percent: (c.percent() * 10.0).round() / 10.0,
            covered: c.covered,
            total: c.total,
            missing: c.missing,
            below_minimum: low,
        });
    }
    match human {
        true => out.line(&format!("\n{passed} passed, {failed} failed")),
        false => {
            let report = JsonReport { files: json, passed, failed, coverage: json_coverage };
            out.line(&serde_json::to_string_pretty(&report).expect("results serialize"));
        }
    }
    out.finish(if failed > 0 || low { Exit::Problems } else { Exit::Clean })
}
