//! `check` on a generated corpus of 10,000 services: the whole pipeline, and parsing alone.
//! Run with `cargo bench --bench check`; figures are recorded in docs/performance.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reglament::source::SourceMap;
use std::hint::black_box;

const SERVICES: usize = 10_000;

fn bench(c: &mut Criterion) {
    let text = reglament::synthetic::corpus(SERVICES);
    let mut group = c.benchmark_group("check_10k_services");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            let mut diagnostics = Vec::new();
            black_box(reglament::syntax::parse(Default::default(), black_box(&text), &mut diagnostics))
        })
    });
    group.bench_function("check_parsed", |b| {
        let module = reglament::syntax::parse(Default::default(), &text, &mut Vec::new());
        let modules = [&module];
        b.iter(|| black_box(reglament::check::check(black_box(&modules), true)))
    });
    group.bench_function("parse_and_check", |b| {
        b.iter(|| {
            let mut sources = SourceMap::new();
            sources.add("corpus.rgl", text.clone());
            let compiled = reglament::compile(&sources);
            assert!(compiled.diagnostics.is_empty());
            black_box(compiled)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
