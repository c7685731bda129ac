//! Row accounting of `evaluate`: for any file, the rows in are the rows written plus the
//! rows reported. Random files mix LF and CRLF line ends, blank lines, quoted cells with
//! line ends and doubled quotes, stray quotes in unquoted cells, carriage returns inside
//! cells, bytes that are not UTF-8 and long cells, over more than one piece of work.

use proptest::prelude::*;
use std::process::Command;

const HEADER: &str =
    "person_id,age,is_female,income,is_disabled,children_count,region_has_kindergarten_place,is_alive";

fn cell() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (0u32..100_000).prop_map(|n| n.to_string().into_bytes()),
        2 => Just(b"true".to_vec()),
        2 => Just(b"12.50".to_vec()),
        1 => Just(Vec::new()),
        1 => Just(b"\"quoted, with a comma\"".to_vec()),
        1 => Just(b"\"two\nlines\"".to_vec()),
        1 => Just(b"\"a \"\"quote\"\" inside\"".to_vec()),
        1 => Just(b"stray\"quote".to_vec()),
        1 => Just(b"carriage\rreturn".to_vec()),
        1 => Just(b"not utf-8 \xff\xfe".to_vec()),
        1 => Just(vec![b'7'; 300]),
        1 => Just(b"\"unterminated".to_vec()),
    ]
}

fn row() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(cell(), 6..10), prop_oneof![3 => Just("\n"), 1 => Just("\r\n")], 0..20u8).prop_map(
        |(cells, end, blank)| {
            let mut row = cells.join(&b","[..]);
            row.extend_from_slice(end.as_bytes());
            if blank == 0 {
                row.extend_from_slice(end.as_bytes()); // a blank line after it
            }
            row
        },
    )
}

/// Records as the csv reader finds them (ending at `\n`, blank ones aside).
fn records(bytes: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(bytes);
    reader
        .byte_records()
        .filter_map(Result::ok)
        .filter(|r| !(r.len() == 1 && r.get(0).is_some_and(|c| c.is_empty() || c == b"\r")))
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn rows_in_are_rows_written_and_rows_reported(rows in prop::collection::vec(row(), 0..700)) {
        let mut text = format!("{HEADER}\n").into_bytes();
        for r in &rows {
            text.extend_from_slice(r);
        }
        let dir = std::env::temp_dir().join(format!("reglament-accounting-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (input, output) = (dir.join("in.csv"), dir.join("out.csv"));
        std::fs::write(&input, &text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_reglament"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["evaluate", "benefits", "--regulations", "examples/bench/rules.rgl", "--columns", "person_id,total_benefits", "--as-of", "2024-01-01", "--in"])
            .arg(&input)
            .arg("--out")
            .arg(&output)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
        let reported = stderr
            .lines()
            .find_map(|l| l.split(": ").last()?.strip_suffix(" rows could not be read and were left out")?.parse().ok())
            .unwrap_or(0usize);
        let written = records(&std::fs::read(&output).unwrap()) - 1;
        prop_assert_eq!(records(&text) - 1, written + reported, "{}", stderr);
    }
}
