//! One citizen case through the ordinary code path: the birth profile of
//! `examples/profiles/birth.yaml` read, simulated against the bundled library and
//! explained. Run with `cargo bench --bench simulate`; figures in docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use reglament::date::Date;
use reglament::model::Model;
use reglament::simulate::{engine, profile, report};
use std::hint::black_box;

fn library() -> Model {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("regulations");
    let sources = reglament::cli::load::load(&[root]).expect("the library is readable");
    reglament::compile(&sources).into_model().expect("the rules check")
}

fn bench(c: &mut Criterion) {
    let model = library();
    let text = include_str!("../examples/profiles/birth.yaml");
    let as_of = Date::parse("2026-03-01").unwrap();
    let profiles = profile::read(&model, text, false).unwrap();
    let mut group = c.benchmark_group("single_case");
    group.bench_function("simulate", |b| {
        b.iter(|| black_box(engine::simulate(&model, black_box(&profiles[0]), as_of, false)))
    });
    group.bench_function("read_simulate_explain", |b| {
        b.iter(|| {
            let profiles = profile::read(&model, black_box(text), false).unwrap();
            let r = engine::simulate(&model, &profiles[0], as_of, true);
            black_box(report::human(&r, true))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
