//! `reglament schema`: the JSON Schema of the profiles a regulation set accepts.

use super::output::Stdout;
use super::{Color, Exit, compile_clean};
use crate::simulate::schema;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// The regulation set: files or directories
    #[arg(default_value = "regulations")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &SchemaArgs, color: Color) -> Exit {
    let (_, model) = match compile_clean(&args.paths, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let mut out = Stdout::new();
    out.line(&serde_json::to_string_pretty(&schema::profiles(&model)).expect("schema serializes"));
    out.finish(Exit::Clean)
}
