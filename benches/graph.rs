//! The graph analysis on the generated 10,000-service corpus: building the service graph,
//! every graph lint, and the chain of the event that starts all services.
//! Run with `cargo bench --bench graph`; figures are recorded in docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use reglament::graph::{ServiceGraph, chains::chain, lints, lints_on};
use reglament::source::SourceMap;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut sources = SourceMap::new();
    sources.add("corpus.rgl", reglament::synthetic::corpus(10_000));
    let compiled = reglament::compile(&sources);
    assert!(compiled.diagnostics.is_empty());
    let model = &compiled.into_model().expect("a model");

    let mut group = c.benchmark_group("graph_10k_services");
    group.sample_size(20);
    group.bench_function("build", |b| b.iter(|| black_box(ServiceGraph::build(black_box(model)))));
    group.bench_function("lints", |b| b.iter(|| black_box(lints(black_box(model)))));
    group.bench_function("chain_of_event", |b| {
        let g = ServiceGraph::build(model);
        b.iter(|| black_box(chain(&g, "birth_registered", None).expect("chain")))
    });
    group.bench_function("build_lints_and_chain", |b| {
        b.iter(|| {
            let g = ServiceGraph::build(model);
            let diagnostics = lints_on(&g);
            black_box((diagnostics, chain(&g, "birth_registered", None).expect("chain")))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
