//! reglament: a compiler for digital administrative regulations.
//!
//! | stage | module | reads | produces |
//! |---|---|---|---|
//! | read | [`source`] | files | a [`source::SourceMap`] of `.rgl` files |
//! | parse | [`syntax`] | text | an [`syntax::ast::Module`] per file, with spans |
//! | check | [`check`] | the AST | the [`model::Model`]: names resolved to typed ids, every expression typed; [`diagnostic::Diagnostic`]s |
//! | graph | [`graph`] | the model | the service graph (petgraph): lints, chains, renderings |
//! | simulate | [`simulate`] | the model | decisions for citizen profiles ([`simulate::engine::Report`]) and populations |
//! | test | [`suite`] | the model | regulation tests beside the regulations, coverage |
//! | report | [`diagnostic`] | diagnostics | miette for terminals, JSON with line and column |
//!
//! Only the checker reads the AST; every later stage reads the model. The core does no
//! I/O: the CLI ([`cli`]) reads files and writes output.

pub mod allow;
pub mod check;
pub mod cli;
pub mod date;
pub mod diagnostic;
pub mod format;
pub mod graph;
pub mod lsp;
pub mod model;
pub mod simulate;
pub mod source;
pub mod suite;
pub mod syntax;
pub mod synthetic;
pub mod vocabulary;

use diagnostic::Diagnostic;
use model::Model;
use source::SourceMap;
use syntax::ast::Module;

/// The result of compiling a regulation set: the model, or the diagnostics of a set that
/// has errors (warnings come with a model too).
pub struct Compiled {
    /// As far as checking got: complete only when no diagnostic is an error.
    model: Model,
    /// Sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
    /// Warnings that allow comments keep from being reported, with their reasons.
    pub suppressed: Vec<allow::Suppressed>,
}

impl Compiled {
    /// The checked model, when the set has no errors.
    pub fn model(&self) -> Option<&Model> {
        (self.errors() == 0).then_some(&self.model)
    }

    /// The checked model, when the set has no errors.
    pub fn into_model(self) -> Option<Model> {
        (self.errors() == 0).then_some(self.model)
    }

    /// The services declared (one declared twice counts twice), errors or not.
    pub fn services(&self) -> usize {
        self.model.services.len()
    }

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
    let undecodable = sources.undecodable();
    for &(file, at) in undecodable {
        let d = Diagnostic::new(
            diagnostic::Code::NotUtf8,
            format!("`{}` is not UTF-8 text", sources.name(file)),
            source::Span::new(file, at, at + '\u{fffd}'.len_utf8()),
            "this byte is not UTF-8",
        )
        .with_help("save the file as UTF-8 (it is not checked until then)");
        diagnostics.push(d);
    }
    // A file that is not text is not parsed: its declarations are unknown.
    let modules: Vec<Module> = sources
        .ids()
        .filter(|id| !undecodable.iter().any(|(f, _)| f == id))
        .map(|id| syntax::parse(id, sources.text(id), &mut diagnostics))
        .collect();
    let complete = undecodable.is_empty()
        && !diagnostics
            .iter()
            .any(|d| matches!(d.code, diagnostic::Code::Syntax | diagnostic::Code::TooDeep));
    let (model, found) = check::check(&modules, complete);
    diagnostics.extend(found);
    // Graph lints need every name resolved: they run on a set without errors.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(graph::lints(&model));
    }
    let (mut diagnostics, suppressed) = allow::apply(sources, diagnostics);
    diagnostic::sort(&mut diagnostics);
    // A type named in one place is resolved wherever it is used; report it once.
    diagnostics.dedup();
    Compiled { model, diagnostics, suppressed }
}
