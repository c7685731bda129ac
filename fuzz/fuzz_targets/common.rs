//! The bundled library, compiled once per fuzzing process.
#![allow(dead_code)] // each target uses one of the two

use reglament::model::Model;
use std::sync::LazyLock;

pub static LIBRARY: LazyLock<Model> = LazyLock::new(|| {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../regulations");
    let sources = reglament::cli::load::load(&[root]).expect("the library is readable");
    reglament::compile(&sources).into_model().expect("the library checks")
});

pub static BENCH_RULES: LazyLock<Model> = LazyLock::new(|| {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/bench/rules.rgl");
    let sources = reglament::cli::load::load(&[path]).expect("the rules are readable");
    reglament::compile(&sources).into_model().expect("the rules check")
});
