//! The regulation set the editor works on: every `.rgl` file under the workspace root, the
//! open documents' unsaved text in place of what is on disk, compiled as one set.

use crate::source::{FileId, SourceMap};
use crate::syntax::ast::Decl;
use lsp_types::Url;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

#[derive(Default)]
pub struct Workspace {
    pub root: Option<PathBuf>,
    /// The open documents' text.
    pub open: BTreeMap<Url, String>,
}

impl Workspace {
    /// Compiles the set: the files on disk under the root, open documents over them.
    pub fn analyse(&self) -> Analysis {
        let mut texts: BTreeMap<Url, String> = BTreeMap::new();
        if let Some(root) = &self.root {
            let mut files = Vec::new();
            walk(root, &mut files, 0);
            for path in files {
                if let (Ok(url), Ok(text)) = (Url::from_file_path(&path), std::fs::read_to_string(&path)) {
                    texts.insert(url, text);
                }
            }
        }
        for (url, text) in &self.open {
            texts.insert(url.clone(), text.clone());
        }
        let mut sources = SourceMap::new();
        let mut urls = Vec::new();
        for (url, text) in texts {
            let name = url.to_file_path().map_or_else(|_| url.to_string(), |p| p.display().to_string());
            sources.add(name, text);
            urls.push(url);
        }
        let compiled = crate::compile(&sources);
        let mut declared = Vec::new();
        for id in sources.ids() {
            let module = crate::syntax::parse(id, sources.text(id), &mut Vec::new());
            for decl in &module.decls {
                let name = decl.name();
                let kind = crate::check::symbols::DeclKind::of(decl);
                declared.push(Declared {
                    name: name.name.clone(),
                    keyword: kind.keyword(),
                    title: title(decl),
                    file: id,
                    start: name.span.start as usize,
                    end: name.span.end as usize,
                });
            }
        }
        Analysis { sources, urls, compiled, declared }
    }
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
