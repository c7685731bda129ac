//! `reglament fmt`: writes regulation files in the canonical layout.

use super::Exit;
use super::load::{self, display};
use super::output::Replacing;
use crate::format::{Keywords, format};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Files or directories (searched for `.rgl` files); `-` reads standard input and writes
    /// the result to standard output
    #[arg(default_value = "regulations")]
    pub paths: Vec<PathBuf>,

    /// Change nothing: list the files that are not formatted, and exit 1 if there are any
    #[arg(long)]
    pub check: bool,

    /// Write the keywords in this language (default: the language most of a file's keywords
    /// are in)
    #[arg(long, value_enum)]
    pub keywords: Option<Keywords>,
}

pub fn run(args: &FmtArgs) -> Exit {
    let sources = match load::load(&args.paths) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
    };
    let undecodable: Vec<_> = sources.undecodable().iter().map(|(f, _)| *f).collect();
    let mut exit = Exit::Clean;
    for id in sources.ids() {
        let name = sources.name(id);
        if undecodable.contains(&id) {
            eprintln!("error: {name}: not UTF-8 text; left as it is");
            exit = Exit::Problems;
            continue;
        }
        let text = sources.text(id);
        let formatted = match format(text, args.keywords) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {name}: {e}");
                exit = Exit::Problems;
                continue;
            }
        };
        let stdin = name == "<stdin>";
        if args.check {
            if formatted != text {
                println!("{name}");
                exit = Exit::Problems;
            }
        } else if stdin {
            let mut out = std::io::stdout().lock();
            if out.write_all(formatted.as_bytes()).and_then(|()| out.flush()).is_err() {
                return Exit::Usage;
            }
        } else if formatted != text {
            let path = PathBuf::from(name);
            let written = Replacing::create(&path)
                .and_then(|mut f| f.write_all(formatted.as_bytes()).map(|()| f))
                .and_then(Replacing::commit);
            if let Err(e) = written {
                eprintln!("error: cannot write `{}`: {e}", display(&path));
                return Exit::Usage;
            }
        }
    }
    exit
}
