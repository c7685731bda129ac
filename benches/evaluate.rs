//! A population through `evaluate`'s table: the peer benchmark's rules
//! (`examples/bench/rules.rgl`) over a generated population (`synthetic::population`), by
//! the columnar evaluator and by the interpreter, and one case explained; and households
//! with their members through the bundled unified allowance. One core; run with
//! `cargo bench --bench evaluate`; figures in docs/performance.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reglament::date::Date;
use reglament::model::Model;
use reglament::simulate::table::Table;
use std::hint::black_box;

const COLUMNS: &str = "person_id,household_size,income_per_member,pension_eligible,child_allowance_eligible,child_allowance_amount,second_child_payment,survivor_benefit,disability_extension,total_benefits,any_service_eligible";

fn rules() -> Model {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/bench/rules.rgl");
    let sources = reglament::cli::load::load(&[path]).expect("the rules are readable");
    reglament::compile(&sources).into_model().expect("the rules check")
}

fn bench(c: &mut Criterion) {
    let model = rules();
    let service = model.service("benefits").expect("the rules define `benefits`");
    let text = reglament::synthetic::population(100_000, 42);
    let (head, body) = text.split_once('\n').expect("a header");
    let header = csv::ByteRecord::from(head.split(',').collect::<Vec<_>>());
    let columns: Vec<String> = COLUMNS.split(',').map(String::from).collect();
    let on = Date::parse("2024-01-01").unwrap();
    let table = Table::new(&model, service, &header, &columns, on).unwrap();
    let mut work = table.work();
    let mut out = Vec::with_capacity(body.len() * 2);
    let mut errors = Vec::new();

    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("columnar_100k_rows", |b| {
        b.iter(|| {
            out.clear();
            black_box(table.evaluate_slice(black_box(body.as_bytes()), 2, &mut work, &mut out, &mut errors))
        })
    });
    let interpreted = Table::new(&model, service, &header, &columns, on).unwrap().interpreted();
    let mut work = interpreted.work();
    group.bench_function("interpreter_100k_rows", |b| {
        b.iter(|| {
            out.clear();
            black_box(interpreted.evaluate_slice(
                black_box(body.as_bytes()),
                2,
                &mut work,
                &mut out,
                &mut errors,
            ))
        })
    });
    group.throughput(Throughput::Elements(1));
    let row = csv::ByteRecord::from(body.lines().next().unwrap().split(',').collect::<Vec<_>>());
    let mut tree = Vec::new();
    group.bench_function("one_case_explained", |b| {
        b.iter(|| {
            out.clear();
            tree.clear();
            let inputs = table.read_row(black_box(&row)).unwrap();
            table.evaluate_explained(&row, &inputs, 2, &mut out, &mut tree);
            black_box(tree.len())
        })
    });
    group.finish();
    assert!(errors.is_empty(), "the population reads cleanly");
}

/// Households through the bundled unified allowance (`evaluate --groups --persons`):
/// each household read with its members and decided, with the members' incomes summed.
fn households(c: &mut Criterion) {
    let model = model_of("regulations");
    let service = model.service("unified_allowance").expect("the library has the allowance");
    let (groups, persons) = reglament::synthetic::households(10_000, 42);
    let keys = keys("id", "id", "household");
    let columns: Vec<String> =
        ["id", "outcome", "income_per_member", "monthly_amount"].map(String::from).to_vec();
    let on = Date::parse("2026-03-01").unwrap();
    let mut out = Vec::with_capacity(groups.len() * 4);
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("households_10k", |b| {
        let run = streamed(service, &keys, &columns, on, true);
        b.iter(|| decide(&model, &run, &groups, &persons, &mut out))
    });
    group.finish();
}

/// OpenFisca's country template workload (`examples/bench-households/rules.rgl`) over
/// 10,000 generated households (`synthetic::template_households`), in columns (segment
/// reductions over each household's members) and, for comparison, one household at a
/// time through the interpreter.
fn template_households(c: &mut Criterion) {
    let model = model_of("examples/bench-households/rules.rgl");
    let service = model.service("template_month").expect("the rules' service");
    let (households, persons) = reglament::synthetic::template_households(10_000, 42);
    let keys = keys("household_id", "person_id", "household_id");
    let columns: Vec<String> = "household_id,household_income,parenting_allowance,total_benefits,housing_tax,total_taxes,disposable_income,meal_price,swimming_pool_access"
        .split(',')
        .map(String::from)
        .collect();
    let on = Date::parse("2024-01-01").unwrap();
    let mut out = Vec::with_capacity(households.len() * 8);
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(10_000));
    for (name, columnar) in
        [("template_households_10k_columns", true), ("template_households_10k_interpreter", false)]
    {
        group.bench_function(name, |b| {
            let run = streamed(service, &keys, &columns, on, columnar);
            b.iter(|| decide(&model, &run, &households, &persons, &mut out))
        });
    }
    group.finish();
}

/// A run over tables that stream (members in group order), in columns or not.
fn streamed<'a>(
    service: reglament::model::ServiceId,
    keys: &'a reglament::simulate::groups::Keys,
    columns: &'a [String],
    as_of: Date,
    columnar: bool,
) -> reglament::simulate::groups::Population<'a> {
    reglament::simulate::groups::Population { service, keys, columns, as_of, whole: false, columnar }
}

/// A population of groups decided into `out`.
fn decide(
    model: &reglament::model::Model,
    run: &reglament::simulate::groups::Population,
    groups: &str,
    persons: &str,
    out: &mut Vec<u8>,
) -> reglament::simulate::groups::Summary {
    out.clear();
    let summary = reglament::simulate::groups::run(
        model,
        run,
        black_box(groups.as_bytes()),
        black_box(persons.as_bytes()),
        out,
        None,
        &mut |_| {},
    );
    black_box(summary.expect("the population reads"))
}

/// The checked model of regulations in the repository.
fn model_of(path: &str) -> reglament::model::Model {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let sources = reglament::cli::load::load(&[path]).expect("the regulations are readable");
    reglament::compile(&sources).into_model().expect("the regulations check")
}

fn keys(group_id: &str, person_id: &str, person_group: &str) -> reglament::simulate::groups::Keys {
    reglament::simulate::groups::Keys {
        group_id: group_id.into(),
        person_id: person_id.into(),
        person_group: person_group.into(),
        role: "role".into(),
    }
}

criterion_group!(benches, bench, households, template_households);
criterion_main!(benches);
