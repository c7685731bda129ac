//! The regulation set the editor works on: every `.rgl` file under the workspace root, the
//! open documents' unsaved text in place of what is on disk, compiled as one set.

use crate::Parsed;
use crate::source::{FileId, SourceMap};
use crate::syntax::ast::{Decl, Module};
use lsp_types::Url;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A declaration: its name, what it is, its title, and where its name is.
#[derive(Clone, Debug)]
pub struct Declared {
    pub name: String,
    pub keyword: &'static str,
    pub title: Option<String>,
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

pub struct Analysis {
    pub sources: SourceMap,
    pub urls: Vec<Url>,
    pub compiled: crate::Compiled,
    pub declared: Vec<Declared>,
}

impl Analysis {
    pub fn file_of(&self, url: &Url) -> Option<FileId> {
        self.urls.iter().position(|u| u == url).map(|i| FileId(i as u32))
    }

    /// The declaration of a name.
    pub fn declaration(&self, name: &str) -> Option<&Declared> {
        self.declared.iter().find(|d| d.name == name)
    }
}

/// The regulation set as the editor has it, and what was parsed of it. Analysing again
/// after an edit parses only the files whose text changed (or that moved in the set's
/// order, which numbers them); checking is of the whole set.
#[derive(Default)]
pub struct Workspace {
    root: Option<PathBuf>,
    /// The open documents' text.
    open: BTreeMap<Url, Arc<str>>,
    /// The `.rgl` files under the root, as last read.
    disk: BTreeMap<Url, Arc<str>>,
    /// Each file's text and place as last parsed, with what was parsed.
    parsed: HashMap<Url, (FileId, Arc<str>, Arc<Parsed>)>,
}

impl Workspace {
    /// Takes the workspace folder and reads its `.rgl` files.
    pub fn set_root(&mut self, root: Option<PathBuf>) {
        self.root = root;
        self.disk.clear();
        if let Some(root) = &self.root {
            let mut files = Vec::new();
            walk(root, &mut files, 0);
            for path in files {
                if let (Ok(url), Ok(text)) = (Url::from_file_path(&path), std::fs::read_to_string(&path)) {
                    self.disk.insert(url, Arc::from(text));
                }
            }
        }
    }

    /// Reads a file of the folder again (saved, or changed by another program); whether
    /// the set changed.
    pub fn reload(&mut self, url: &Url) -> bool {
        let Some(path) = url.to_file_path().ok().filter(|p| self.contains(p)) else { return false };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let text = Arc::<str>::from(text);
                self.disk.insert(url.clone(), text.clone()).is_none_or(|old| old != text)
            }
            Err(_) => self.disk.remove(url).is_some(),
        }
    }

    /// A regulation file under the root (not in a hidden directory or `target`).
    fn contains(&self, path: &Path) -> bool {
        let Some(relative) = self.root.as_ref().and_then(|root| path.strip_prefix(root).ok()) else {
            return false;
        };
        let hidden = relative.parent().into_iter().flat_map(Path::components).any(|c| {
            let name = c.as_os_str().to_string_lossy();
            name.starts_with('.') || name == "target"
        });
        path.extension().is_some_and(|e| e == "rgl") && !hidden
    }

    pub fn open(&mut self, url: Url, text: String) {
        self.open.insert(url, Arc::from(text));
    }

    /// Forgets an open document's text (the file on disk counts again); whether it was open.
    pub fn close(&mut self, url: &Url) -> bool {
        self.open.remove(url).is_some()
    }

    /// The set as it is now: the files on disk under the root, open documents over them,
    /// each parsed (again only if its text or place changed); with the files parsed anew.
    pub fn snapshot(&mut self) -> (Snapshot, Vec<Url>) {
        let mut texts: BTreeMap<&Url, &Arc<str>> = self.disk.iter().collect();
        texts.extend(self.open.iter());
        let mut sources = SourceMap::new();
        let mut urls = Vec::new();
        let mut reused = Vec::new();
        for (url, text) in texts {
            let name = url.to_file_path().map_or_else(|_| url.to_string(), |p| p.display().to_string());
            let id = sources.add(name, text.clone());
            let same = self.parsed.get(url).filter(|(at, was, _)| *at == id && was == text);
            reused.push(same.map(|(_, _, p)| p.clone()));
            urls.push(url.clone());
        }
        let parsed: Vec<Arc<Parsed>> = crate::on_compiler_stack(|| {
            let ids = sources.ids();
            let fresh = |(id, p): (FileId, &Option<Arc<Parsed>>)| {
                p.clone().unwrap_or_else(|| Arc::new(crate::parse_file(&sources, id)))
            };
            ids.zip(&reused).map(fresh).collect()
        });
        let anew = urls.iter().zip(&reused).filter(|(_, r)| r.is_none()).map(|(u, _)| u.clone()).collect();
        self.parsed = sources
            .ids()
            .zip(&urls)
            .zip(&parsed)
            .map(|((id, url), p)| (url.clone(), (id, sources.shared_text(id), p.clone())))
            .collect();
        (Snapshot { sources, urls, parsed }, anew)
    }

    /// Compiles the set as it is now.
    pub fn analyse(&mut self) -> Analysis {
        self.snapshot().0.analyse()
    }
}

/// The set at one moment, every file parsed: what an analysis is made of.
pub struct Snapshot {
    sources: SourceMap,
    urls: Vec<Url>,
    parsed: Vec<Arc<Parsed>>,
}

impl Snapshot {
    /// Checks the whole set.
    pub fn analyse(self) -> Analysis {
        let modules: Vec<&Parsed> = self.parsed.iter().map(|p| &**p).collect();
        let compiled = crate::on_compiler_stack(|| crate::compile_parsed(&self.sources, &modules));
        let declared = self.parsed.iter().flat_map(|p| declared(&p.module)).collect();
        Analysis { sources: self.sources, urls: self.urls, compiled, declared }
    }

    /// One file's own diagnostics (see [`crate::compile_file`]), in the editor's terms.
    pub fn file_diagnostics(&self, url: &Url) -> Option<Vec<lsp_types::Diagnostic>> {
        let file = FileId(self.urls.iter().position(|u| u == url)? as u32);
        let modules: Vec<&Parsed> = self.parsed.iter().map(|p| &**p).collect();
        let found = crate::on_compiler_stack(|| crate::compile_file(&self.sources, &modules, file));
        let text = self.sources.text(file);
        Some(found.iter().map(|d| super::features::diagnostic(text, d)).collect())
    }
}

fn declared(module: &Module) -> impl Iterator<Item = Declared> + '_ {
    module.decls.iter().map(|decl| {
        let name = decl.name();
        Declared {
            name: name.name.clone(),
            keyword: crate::check::symbols::DeclKind::of(decl).keyword(),
            title: title(decl),
            file: module.file,
            start: name.span.start as usize,
            end: name.span.end as usize,
        }
    })
}

fn title(decl: &Decl) -> Option<String> {
    let t = match decl {
        Decl::Agency(d) => &d.title,
        Decl::Entity(d) => &d.title,
        Decl::Registry(d) => &d.title,
        Decl::Record(d) => &d.title,
        Decl::Enum(d) => &d.title,
        Decl::Parameter(d) => &d.title,
        Decl::Event(d) => &d.title,
        Decl::Service(d) => &d.title,
        Decl::Trigger(d) => &d.title,
        Decl::Situation(d) => &d.title,
        Decl::Calendar(d) => &d.title,
    };
    t.as_ref().map(|t| t.value.clone())
}

/// The `.rgl` files under a directory, sorted; hidden directories and `target` skipped.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if p.is_dir() && depth < 16 && !name.starts_with('.') && name != "target" {
            walk(&p, out, depth + 1);
        } else if p.extension().is_some_and(|e| e == "rgl") {
            out.push(p);
        }
    }
}
