//! `reglament man`: the manual page (roff), from the same definitions as `--help`.

use super::output::Stdout;
use super::{Cli, Exit};
use clap::CommandFactory;

pub fn run() -> Exit {
    let mut page = Vec::new();
    let mut out = Stdout::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => {
            out.text(&String::from_utf8_lossy(&page));
            out.finish(Exit::Clean)
        }
        Err(e) => {
            eprintln!("error: cannot render the manual page: {e}");
            Exit::Usage
        }
    }
}
