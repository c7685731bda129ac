//! Every command on the binary's ordinary main-thread stack: with standard output closed
//! or full, and on a set that nests as deep as the checker allows.

use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_reglament");
const BENCH_COLUMNS: &str = "person_id,household_size,income_per_member,pension_eligible,child_allowance_eligible,child_allowance_amount,second_child_payment,survivor_benefit,disability_extension,total_benefits,any_service_eligible";

/// A command of each kind, on the bundled library and examples.
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["check", "regulations"],
        vec!["check", "regulations", "--format", "json"],
        vec!["graph"],
        vec!["chains", "birth_of_child"],
        vec!["schema"],
        vec!["test", "regulations"],
        vec!["simulate", "examples/profiles/birth.yaml", "--as-of", "2026-03-01"],
        vec!["simulate", "tests/simulate/batch/population.csv", "--as-of", "2026-11-24"],
        vec![
            "evaluate",
            "benefits",
            "--regulations",
            "examples/bench/rules.rgl",
            "--in",
            "tests/bench/edge_cases.csv",
            "--out",
            "-",
            "--columns",
            BENCH_COLUMNS,
            "--as-of",
            "2024-01-01",
        ],
    ]
}

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR")).stdin(Stdio::null());
    c
}

#[test]
fn a_full_disk_is_an_io_error() {
    for args in commands() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
        let out = command(&args).stdout(full).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("cannot write to standard output: No space left"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in commands() {
        let mut child = command(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take()); // the reader goes away before anything is written
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {:?} {stderr}", out.status);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("error: cannot write"),
            "{args:?}: {stderr}"
        );
    }
}

/// A set at the limits: an else-if chain just short of the expression limit, and a chain
/// of derived facts just short of the evaluation limit. Whatever checks, runs.
fn deep_set(dir: &std::path::Path) {
    let chain: String = (0..190).map(|i| format!("if x == {i} then {i} else ")).collect();
    let mut facts = String::from("  derived d0 = x\n");
    for i in 1..499 {
        facts.push_str(&format!("  derived d{i} = d{} + 1\n", i - 1));
    }
    let rgl = format!(
        r#"agency a {{ title "A" level federal }}
person p {{ field x: int }}
registry r {{ title "R" owner a provides p.x }}
event e {{ title "E" registry r role p: p }}
service s {{
  title "S"
  agency a
  legal "L"
  kind payment
  deadline 1 days
  subject p: p
  input x: int from p.x
{facts}  derived band = {chain}0
  criterion c = d498 > band
  output amount: money = 1.00 rub * d498
}}
situation sit {{ title "T" on e services s }}
trigger t {{ on e provide s consent opt_out notify portal }}
"#
    );
    std::fs::write(dir.join("deep.rgl"), rgl).unwrap();
    std::fs::write(
        dir.join("deep.test.yaml"),
        "- name: deep\n  as_of: 2026-02-01\n  profile: { persons: [{ id: p, facts: { x: 3 } }], events: [{ event: e, date: 2026-01-01, roles: { p: p } }] }\n  expect: { \"s[p]\": { outcome: provided, outputs: { amount: \"501.00\" } } }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("deep.yaml"),
        "- id: p\n  persons: [{ id: p, facts: { x: 3 } }]\n  events: [{ event: e, date: 2026-01-01, roles: { p: p } }]\n",
    )
    .unwrap();
    std::fs::write(dir.join("deep.csv"), "x\n3\n7\n\n").unwrap();
}

#[test]
fn every_command_runs_on_the_deepest_set_that_checks() {
    let dir = std::env::temp_dir().join(format!("reglament-deep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    deep_set(&dir);
    let d = |f: &str| dir.join(f).to_string_lossy().to_string();
    let (rgl, yaml, csv, out) = (d("deep.rgl"), d("deep.yaml"), d("deep.csv"), d("out.csv"));
    let tests = d("deep.test.yaml");
    let evaluate = |more: &[&'static str]| -> Vec<String> {
        let mut args: Vec<String> =
            ["evaluate", "s", "--regulations", &rgl, "--in", &csv, "--out", &out].map(String::from).to_vec();
        args.extend(["--as-of", "2026-02-01", "--columns"].map(String::from));
        args.extend(more.iter().map(|m| m.to_string()));
        args
    };
    let evaluations = [evaluate(&["c,amount"]), evaluate(&["c", "--explain", "/dev/null"])];
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["check", &rgl],
        vec!["graph", &rgl],
        vec!["chains", "e", &rgl],
        vec!["schema", &rgl],
        vec!["test", &rgl, &tests],
        vec!["simulate", &yaml, "--regulations", &rgl, "--as-of", "2026-02-01", "--explain"],
    ];
    runs.extend(evaluations.iter().map(|e| e.iter().map(String::as_str).collect()));
    for args in runs {
        let out = command(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The peak memory of a running process so far, from Linux's `/proc`, in KiB.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One case at a time, explained, over more than one block of input: memory stays that of
/// a block, not of the whole output (decision trees are ten times their rows).
#[test]
fn explained_single_cases_stream_in_bounded_memory() {
    let dir = std::env::temp_dir().join(format!("reglament-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bench/edge_cases.csv")).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let mut big = format!("{header}\n");
    while big.len() < 5 << 20 {
        big.push_str(rows);
    }
    let input = dir.join("in.csv");
    std::fs::write(&input, &big).unwrap();
    let mut child = command(&[
        "evaluate",
        "benefits",
        "--regulations",
        "examples/bench/rules.rgl",
        "--in",
        input.to_str().unwrap(),
        "--out",
        "/dev/null",
        "--columns",
        BENCH_COLUMNS,
        "--as-of",
        "2024-01-01",
        "--explain",
        "/dev/null",
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(peak_kib(child.id()).unwrap_or(0));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(child.wait().unwrap().success());
    std::fs::remove_dir_all(&dir).ok();
    assert!(peak < 64 << 10, "peak {peak} KiB for a 5 MiB input");
}
