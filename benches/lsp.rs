//! The language server after an edit in one file of a 10,000-service set (101 files): the
//! edited file's own diagnostics (what the server sends first on a set this large), and
//! the whole set analysed again (what follows in the background). Run with
//! `cargo bench --bench lsp`; figures are recorded in docs/performance.md.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use reglament::lsp::{Workspace, diagnostics};
use std::hint::black_box;

const SERVICES: usize = 10_000;
const PER_FILE: usize = 100;

fn bench(c: &mut Criterion) {
    let files = reglament::synthetic::corpus_files(SERVICES, PER_FILE);
    let url = |i: usize| lsp_types::Url::parse(&format!("file:///corpus/part_{i:03}.rgl")).expect("a URL");
    let mut state = Workspace::default();
    for (i, text) in files.iter().enumerate() {
        state.open(url(i), text.clone());
    }
    let analysis = state.analyse();
    assert!(diagnostics(&analysis).iter().all(|(_, d)| d.is_empty()), "the corpus checks clean");
    let mut group = c.benchmark_group("lsp_10k_services");
    group.sample_size(10);
    // An edit in the middle file: a criterion's bound changes, back and forth.
    let edited = files.len() / 2;
    let (before, after) = (files[edited].clone(), files[edited].replacen("minimum * ", "minimum * 1 * ", 1));
    let mut flip = false;
    let mut edit = move |state: &mut Workspace| {
        flip = !flip;
        state.open(url(edited), if flip { after.clone() } else { before.clone() });
    };
    group.bench_function("edit_own_diagnostics", |b| {
        b.iter_with_large_drop(|| {
            edit(&mut state);
            let (snapshot, anew) = state.snapshot();
            assert_eq!(anew.len(), 1);
            let found = snapshot.file_diagnostics(&anew[0]).expect("the file is in the set");
            // Dropped unmeasured, as the server leaves the snapshot to its background analysis.
            (black_box(found), snapshot)
        })
    });
    group.bench_function("edit_whole_set", |b| {
        b.iter_with_large_drop(|| {
            edit(&mut state);
            let analysis = state.snapshot().0.analyse();
            let found = diagnostics(&analysis);
            (black_box(found), analysis)
        })
    });
    group.bench_function("first_analysis", |b| {
        let fresh = || {
            let mut state = Workspace::default();
            for (i, text) in files.iter().enumerate() {
                state.open(url(i), text.clone());
            }
            state
        };
        b.iter_batched(fresh, |mut state| state.analyse(), BatchSize::PerIteration)
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
