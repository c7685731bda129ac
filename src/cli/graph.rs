//! `reglament graph`: the service graph, or one life situation's part of it.

use super::output::Stdout;
use super::{Color, Exit, compile_clean};
use crate::graph::{ServiceGraph, render};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Files or directories of the regulation set
    #[arg(default_value = "regulations")]
    pub paths: Vec<PathBuf>,

    /// Only this life situation's services and what touches them
    #[arg(long)]
    pub situation: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT
    Dot,
    /// A Mermaid flowchart for a Markdown page
    Mermaid,
    /// Nodes and edges as JSON
    Json,
}

pub fn run(args: &GraphArgs, color: Color) -> Exit {
    let (_, model) = match compile_clean(&args.paths, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let graph = ServiceGraph::build(&model);
    let situation = args.situation.as_deref();
    if let Err(exit) = super::require_situation(&graph, situation) {
        return exit;
    }
    let text = match args.format {
        GraphFormat::Dot => render::graph_dot(&graph, situation),
        GraphFormat::Mermaid => render::graph_mermaid(&graph, situation),
        GraphFormat::Json => render::graph_json(&graph, situation),
    };
    let mut out = Stdout::new();
    out.text(&text);
    out.finish(Exit::Clean)
}
