//! `reglament completions SHELL`: the shell's completion script for every command and option.

use super::output::Stdout;
use super::{Cli, Exit};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> Exit {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "reglament", &mut script);
    let mut out = Stdout::new();
    out.text(&String::from_utf8_lossy(&script));
    out.finish(Exit::Clean)
}
