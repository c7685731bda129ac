//! The columnar evaluator writes exactly what the interpreter writes, for any row: every
//! kind of expression (`tests/columnar/exprs.rgl`) and every service of the library that
//! compiles to columns, over random rows with unknown cells, edge values, bad cells,
//! quoted cells and wrong numbers of cells.

mod common;

use proptest::prelude::*;
use reglament::date::Date;
use reglament::model::{Model, ServiceId, Type};
use reglament::simulate::eval::Frame;
use reglament::simulate::explain::Explainer;
use reglament::simulate::table::Table;
use std::path::Path;

/// Cells a row may hold for an input of a type: edge values, unknown and bad ones.
fn cells(ty: &Type, model: &Model) -> BoxedStrategy<String> {
    let fixed: Vec<&str> = match ty {
        Type::Int | Type::Term(_) => {
            // Around 32 bits too, where the vectorised passes hand rows to exact ones.
            vec![
                "",
                "0",
                "1",
                "-1",
                "3",
                "2147483647",
                "-2147483648",
                "2147483648",
                "3037000500",
                "9223372036854775807",
                "-9223372036854775808",
                "+5",
                "x",
            ]
        }
        Type::Decimal => {
            vec!["", "0", "0.5", "-2.25", "3", "1.0000001", "79228162514264337593543950335", "1e3"]
        }
        Type::Money => {
            vec![
                "",
                "0",
                "0.01",
                "46358.99",
                "-10.5",
                "10000000.00",
                "21474836.47",
                "-21474836.48",
                "99999999999.99",
                "1.234",
                "7.",
            ]
        }
        Type::Bool => vec!["", "true", "false", "yes"],
        Type::Date => vec!["", "2024-01-01", "1970-01-01", "2024-02-29", "2023-02-29", "1900-12-31"],
        Type::Enum(e) => {
            let mut v: Vec<&str> = model.enums[*e].variants.iter().map(|v| v.as_str()).collect();
            v.extend(["", "nobody"]);
            v
        }
        _ => vec!["", "text"],
    };
    let fixed: Vec<String> = fixed.into_iter().map(String::from).collect();
    let random = match ty {
        Type::Int | Type::Term(_) => (-1000i64..1000).prop_map(|n| n.to_string()).boxed(),
        Type::Decimal => (-100000i64..100000, 0u32..5).prop_map(|(n, s)| decimal(n, s)).boxed(),
        Type::Money => (-10_000_000i64..100_000_000, 0u32..3).prop_map(|(n, s)| decimal(n, s)).boxed(),
        Type::Date => (0i64..40000).prop_map(|n| Date::from_day_number(n).to_string()).boxed(),
        _ => proptest::sample::select(fixed.clone()).boxed(),
    };
    prop_oneof![proptest::sample::select(fixed), random].boxed()
}

fn decimal(n: i64, scale: u32) -> String {
    rust_decimal::Decimal::new(n, scale).to_string()
}

/// Runs both paths over `text` and compares their output and errors; the rows the
/// columnar evaluator wrote itself (so that a comparison is not vacuous).
fn same(model: &Model, service: ServiceId, columns: &[String], text: &str) -> Result<usize, TestCaseError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let header = reader.byte_records().next().unwrap().unwrap();
    let body = &text.as_bytes()[text.find('\n').unwrap() + 1..];
    let on = Date::parse("2024-03-01").unwrap();
    let run = |table: &Table| {
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        let times = table.evaluate_slice(body, 2, &mut table.work(), &mut out, &mut errors);
        ((String::from_utf8(out).unwrap(), errors), times.redone)
    };
    let columnar = Table::new(model, service, &header, columns, on).unwrap();
    prop_assert!(columnar.columnar(), "{} does not compile to columns", model.services[service].name);
    let interpreted = Table::new(model, service, &header, columns, on).unwrap().interpreted();
    let ((got, redone), (want, _)) = (run(&columnar), run(&interpreted));
    prop_assert_eq!(&got, &want, "{}", text);
    let written = got.0.lines().count();
    Ok(written.saturating_sub(redone))
}

/// A CSV of `rows` (cells per input), some cells quoted, some rows short of a cell.
fn csv_text(names: &[String], rows: &[(Vec<String>, u8)]) -> String {
    let mut text = names.join(",") + "\n";
    for (cells, shape) in rows {
        let mut cells = cells.clone();
        match shape {
            0 => {
                cells.pop();
            }
            1 => cells[0] = format!("\"{}\"", cells[0]),
            _ => {}
        }
        text += &cells.join(",");
        text.push('\n');
    }
    text
}

fn rows(model: &Model, service: ServiceId) -> impl Strategy<Value = Vec<(Vec<String>, u8)>> {
    let strategies: Vec<BoxedStrategy<String>> =
        model.services[service].inputs.iter().map(|i| cells(&i.ty, model)).collect();
    proptest::collection::vec(
        (strategies, prop_oneof![1 => Just(0u8), 1 => Just(1u8), 30 => Just(2u8)]),
        1..40,
    )
}

fn targets(model: &Model, service: ServiceId) -> Vec<String> {
    let s = &model.services[service];
    let mut columns: Vec<String> = s.inputs.iter().take(1).map(|i| i.name.text.clone()).collect();
    columns.extend(s.criteria.iter().map(|c| c.name.text.clone()));
    columns.extend(s.derived.iter().map(|d| d.name.text.clone()));
    columns.extend(s.outputs.iter().filter(|o| o.value.is_some()).map(|o| o.name.text.clone()));
    columns
}

fn model_of(path: &Path) -> Model {
    common::model_of(path)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_expression_kind_matches_the_interpreter(
        rows in rows(&model_of(Path::new("tests/columnar/exprs.rgl")), ServiceId(0)),
    ) {
        let model = model_of(Path::new("tests/columnar/exprs.rgl"));
        let names: Vec<String> = model.services[ServiceId(0)].inputs.iter().map(|i| i.name.text.clone()).collect();
        same(&model, ServiceId(0), &targets(&model, ServiceId(0)), &csv_text(&names, &rows))?;
    }
}

#[test]
fn most_rows_stay_on_the_columnar_path() {
    // Rows whose quotients are decimals: none needs the interpreter.
    let model = model_of(Path::new("tests/columnar/exprs.rgl"));
    let names: Vec<String> =
        model.services[ServiceId(0)].inputs.iter().map(|i| i.name.text.clone()).collect();
    let row = "3,4,0.5,2.5,46359.00,100.00,true,false,2024-01-01,2024-03-01,10,5,retired";
    let text = format!("{}\n{row}\n{row}\n", names.join(","));
    assert_eq!(same(&model, ServiceId(0), &targets(&model, ServiceId(0)), &text).unwrap(), 2);
}

#[test]
fn library_services_that_compile_to_columns_match_the_interpreter() {
    let model = common::library();
    let mut checked = 0;
    for service in model.services.ids() {
        let names: Vec<String> = model.services[service].inputs.iter().map(|i| i.name.text.clone()).collect();
        let header = csv::ByteRecord::from(names.clone());
        let columns = targets(&model, service);
        let on = Date::parse("2024-03-01").unwrap();
        if columns.is_empty() || !Table::new(&model, service, &header, &columns, on).unwrap().columnar() {
            continue;
        }
        checked += 1;
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(16));
        runner
            .run(&rows(&model, service), |rows| {
                same(&model, service, &columns, &csv_text(&names, &rows)).map(|_| ())
            })
            .unwrap();
    }
    assert!(checked >= 5, "only {checked} library services compile to columns");
}

/// `evaluate --explain` writes its trees as JSON text directly; for every library service
/// and random rows they are what serialising `simulate`'s checks gives.
#[test]
fn explained_rows_serialise_as_the_checks_do() {
    let model = common::library();
    let on = Date::parse("2024-03-01").unwrap();
    for service in model.services.ids() {
        let s = &model.services[service];
        let Some(first) = s.inputs.first() else { continue };
        let names: Vec<String> = s.inputs.iter().map(|i| i.name.text.clone()).collect();
        let header = csv::ByteRecord::from(names.clone());
        let table = Table::new(&model, service, &header, std::slice::from_ref(&first.name.text), on).unwrap();
        let explainer = Explainer::new(&model, s);
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(8));
        runner
            .run(&rows(&model, service), |rows| {
                for (cells, _) in rows {
                    let Ok(inputs) = table.read_row(&csv::ByteRecord::from(cells)) else { continue };
                    let mut got = Vec::new();
                    let mut frame = Frame::new(&model, Some(s), &inputs, &[], on);
                    explainer.write_json(&model, s, &mut frame, 7, &mut got);
                    let mut frame = Frame::new(&model, Some(s), &inputs, &[], on);
                    let checks = explainer.explain(&model, s, &mut frame);
                    let want = format!(
                        "{{\"line\":7,\"service\":{},\"checks\":{}}}\n",
                        serde_json::to_string(&s.name.text).unwrap(),
                        serde_json::to_string(&checks).unwrap()
                    );
                    prop_assert_eq!(String::from_utf8(got).unwrap(), want);
                }
                Ok(())
            })
            .unwrap();
    }
}

/// The generated population of the benchmarks reads cleanly, stays on the columnar path and
/// gives what the interpreter gives.
#[test]
fn the_synthetic_population_stays_columnar() {
    let model = model_of(Path::new("examples/bench/rules.rgl"));
    let service = model.service("benefits").unwrap();
    let text = reglament::synthetic::population(3000, 7);
    let columns: Vec<String> = "person_id,household_size,income_per_member,pension_eligible,\
        child_allowance_eligible,child_allowance_amount,second_child_payment,survivor_benefit,\
        disability_extension,total_benefits,any_service_eligible"
        .split(',')
        .map(String::from)
        .collect();
    assert_eq!(same(&model, service, &columns, &text).unwrap(), 3000);
    assert_eq!(text, reglament::synthetic::population(3000, 7), "the same seed, the same rows");
}
