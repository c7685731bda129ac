//! Any bytes as the rows of an `evaluate` table (the peer benchmark's rules): cut into
//! pieces as `evaluate` cuts them, every row is written or reported — rows in = rows
//! written + rows reported.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use reglament::date::Date;
use reglament::simulate::table::{Table, blocks};

const HEADER: &str = "person_id,age,is_female,income,is_disabled,children_count,region_has_kindergarten_place,is_alive";

fuzz_target!(|data: &[u8]| {
    let model = &*common::BENCH_RULES;
    let service = model.service("benefits").expect("the rules define `benefits`");
    let header = csv::ByteRecord::from(HEADER.split(',').collect::<Vec<_>>());
    let columns: Vec<String> = ["person_id", "total_benefits", "pension_eligible"].map(String::from).to_vec();
    let on = Date::parse("2024-01-01").expect("a date");
    let table = Table::new(model, service, &header, &columns, on).expect("the columns exist");
    let mut work = table.work();
    let (mut rows, mut reported) = (0, 0);
    for piece in blocks::pieces(data, 64) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let times = table.evaluate_slice(&data[piece], 2, &mut work, &mut out, &mut errors);
        rows += times.rows;
        reported += errors.len();
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(data);
    let records = reader
        .byte_records()
        .filter_map(Result::ok)
        .filter(|r| !(r.len() == 1 && r.get(0).is_some_and(|c| c.is_empty() || c == b"\r")))
        .count();
    assert_eq!(records, rows + reported, "rows in = rows written + rows reported");
});
