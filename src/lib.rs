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

    /// The model as far as checking got, errors or not: what an editor completes from.
    pub fn partial_model(&self) -> &Model {
        &self.model
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
    on_compiler_stack(|| {
        let parsed: Vec<Parsed> = sources.ids().map(|id| parse_file(sources, id)).collect();
        compile_parsed(sources, &parsed.iter().collect::<Vec<_>>())
    })
}

/// Runs `f` on a thread with the compiler's stack (or here if no thread can be made).
pub fn on_compiler_stack<T: Send>(f: impl Fn() -> T + Sync) -> T {
    std::thread::scope(|scope| match std::thread::Builder::new().stack_size(STACK).spawn_scoped(scope, &f) {
        Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        Err(_) => f(),
    })
}

/// One file parsed: its syntax tree and its syntax diagnostics. A language server keeps
/// these for the files that did not change.
pub struct Parsed {
    pub module: Module,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the whole text was understood (no syntax error, text not undecodable).
    pub complete: bool,
}

/// Parses one file of the source map. A file that is not text is not parsed: its
/// declarations are unknown.
pub fn parse_file(sources: &SourceMap, file: source::FileId) -> Parsed {
    let mut diagnostics = Vec::new();
    if let Some(&(_, at)) = sources.undecodable().iter().find(|(f, _)| *f == file) {
        let d = Diagnostic::new(
            diagnostic::Code::NotUtf8,
            format!("`{}` is not UTF-8 text", sources.name(file)),
            source::Span::new(file, at, at + '\u{fffd}'.len_utf8()),
            "this byte is not UTF-8",
        )
        .with_help("save the file as UTF-8 (it is not checked until then)");
        diagnostics.push(d);
        let module = Module { file, decls: Vec::new(), broken: Vec::new() };
        return Parsed { module, diagnostics, complete: false };
    }
    let module = syntax::parse(file, sources.text(file), &mut diagnostics);
    let complete =
        !diagnostics.iter().any(|d| matches!(d.code, diagnostic::Code::Syntax | diagnostic::Code::TooDeep));
    Parsed { module, diagnostics, complete }
}

/// Checks parsed files (one per file of `sources`, in order) as one regulation set. Call it
/// on the compiler's stack ([`on_compiler_stack`]): the checker recurses on nesting too.
pub fn compile_parsed(sources: &SourceMap, parsed: &[&Parsed]) -> Compiled {
    let mut diagnostics: Vec<Diagnostic> =
        parsed.iter().flat_map(|p| p.diagnostics.iter().cloned()).collect();
    let modules: Vec<&Module> = parsed.iter().map(|p| &p.module).collect();
    let complete = parsed.iter().all(|p| p.complete);
    let (model, found) = check::check(&modules, complete);
    diagnostics.extend(found);
    // Graph lints need every name resolved: they run on a set without errors.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(graph::lints(&model));
    }
    let (mut diagnostics, suppressed) = allow::apply(sources, sources.ids(), diagnostics);
    diagnostic::sort(&mut diagnostics);
    // A type named in one place is resolved wherever it is used; report it once.
    diagnostics.dedup();
    Compiled { model, diagnostics, suppressed }
}

/// One file's diagnostics in its set, as [`check::check_file`] finds them (no unused
/// declarations, no graph lints): sorted, allow comments applied. On the compiler's stack.
pub fn compile_file(sources: &SourceMap, parsed: &[&Parsed], file: source::FileId) -> Vec<Diagnostic> {
    let mut diagnostics = parsed[file.0 as usize].diagnostics.clone();
    let modules: Vec<&Module> = parsed.iter().map(|p| &p.module).collect();
    diagnostics.extend(check::check_file(&modules, file));
    let (mut diagnostics, _) = allow::apply(sources, std::iter::once(file), diagnostics);
    diagnostic::sort(&mut diagnostics);
    diagnostics.dedup();
    diagnostics
}
