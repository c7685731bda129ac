//! reglament: a compiler for digital administrative regulations.
//!
//! | stage | module | produces |
//! |---|---|---|
//! | read | [`source`] | a [`source::SourceMap`] of `.rgl` files |
//! | parse | [`syntax`] | an [`syntax::ast::Module`] per file, with spans |
//! | check | [`check`] | names resolved, types checked: [`diagnostic::Diagnostic`]s |
//! | graph | [`graph`] | the service graph (petgraph): lints, chains, renderings |
//! | simulate | [`simulate`] | a compiled model; decisions for citizen profiles |
//! | test | [`suite`] | regulation tests beside the regulations, coverage |
//! | report | [`diagnostic`] | miette for terminals, JSON with line and column |
//!
//! The core does no I/O: the CLI ([`cli`]) reads files and writes output.

pub mod check;
pub mod cli;
pub mod date;
pub mod diagnostic;
pub mod graph;
pub mod simulate;
pub mod source;
pub mod suite;
pub mod syntax;
pub mod synthetic;
pub mod vocabulary;

use diagnostic::Diagnostic;
use source::SourceMap;
use syntax::ast::Module;

/// The result of compiling a regulation set.
pub struct Compiled {
    pub modules: Vec<Module>,
    /// Sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Stack for compiling: the parser recurses on nesting, which the depth limit bounds, but
/// the bound must hold on small thread stacks (test threads) and unoptimised builds too.
const STACK: usize = 256 << 20;

/// Parses and checks every file of the source map as one regulation set.
pub fn compile(sources: &SourceMap) -> Compiled {
    std::thread::scope(|scope| {
        let worker =
            std::thread::Builder::new().stack_size(STACK).spawn_scoped(scope, || compile_here(sources));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => compile_here(sources),
        }
    })
}

fn compile_here(sources: &SourceMap) -> Compiled {
    let mut diagnostics = Vec::new();
    let modules: Vec<Module> =
        sources.ids().map(|id| syntax::parse(id, sources.text(id), &mut diagnostics)).collect();
    let complete =
        !diagnostics.iter().any(|d| matches!(d.code, diagnostic::Code::Syntax | diagnostic::Code::TooDeep));
    diagnostics.extend(check::check(&modules, complete));
    // Graph lints need every name resolved: they run on a set without errors.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(graph::lints(&modules));
    }
    diagnostic::sort(&mut diagnostics);
    // A type named in one place is resolved wherever it is used; report it once.
    diagnostics.dedup();
    Compiled { modules, diagnostics }
}
