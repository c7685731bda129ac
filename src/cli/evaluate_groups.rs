//! `reglament evaluate SERVICE --groups G.csv --persons P.csv`: a service decided for each
//! group of a population (a household's allowance), one output row per group.

use super::evaluate::EvaluateArgs;
use super::output::{Replacing, same_file};
use super::{Color, Exit};
use crate::simulate::batch::Failed;
use crate::simulate::groups::{self, Keys, Population};
use std::io::{BufWriter, Write};
use std::time::Instant;

/// The largest persons table held whole (in any row order): beyond it, tables stream.
const WHOLE_LIMIT: u64 = 64 << 20;

pub fn run(args: &EvaluateArgs, color: Color) -> Exit {
    let started = Instant::now();
    let (Some(groups_path), Some(persons_path)) = (&args.groups, &args.persons) else {
        eprintln!("error: give `--in`, or both `--groups` and `--persons`");
        return Exit::Usage;
    };
    let (model, service) = match super::evaluate::compile_service(args, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    // Read in large blocks by the reader itself: no buffer between.
    let open = |path: &std::path::Path| match std::fs::File::open(path) {
        Ok(f) => Ok(f),
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", path.display());
            Err(Exit::Usage)
        }
    };
    let (groups_file, persons_file) = match (open(groups_path), open(persons_path)) {
        (Ok(g), Ok(p)) => (g, p),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if [groups_path, persons_path].iter().any(|p| same_file(&args.output, p)) {
        eprintln!("error: the output `{}` is an input file; write it elsewhere", args.output.display());
        return Exit::Usage;
    }
    // The persons' group column is named after the kind of group unless said otherwise.
    let s = &model.services[service];
    let kind = s.subject.map(|i| model.entities[s.roles[i].entity].name.text.clone()).unwrap_or_default();
    let keys = Keys {
        group_id: args.group_id.clone(),
        person_id: args.person_id.clone(),
        person_group: args.person_group.clone().unwrap_or(kind),
        role: args.role.clone(),
    };
    // A persons table in any row order is held whole, indexed by group; a large one must
    // stand in group order (as generators and exports write them), and streams. So does a
    // small file found in that order by a first pass over both: no index to build.
    let whole = std::fs::metadata(persons_path).is_ok_and(|m| {
        let in_order = || {
            let reopen = |p: &std::path::Path| std::fs::File::open(p);
            let files = reopen(groups_path).and_then(|g| Ok((g, reopen(persons_path)?)));
            files.and_then(|(g, p)| groups::in_group_order(g, p, &keys)).unwrap_or(false)
        };
        // (Only files are read twice: a pipe would be emptied.)
        let files = m.is_file() && std::fs::metadata(groups_path).is_ok_and(|g| g.is_file());
        m.len() <= WHOLE_LIMIT && !(files && in_order())
    });
    let explaining = args.explain.is_some();
    // Each group's decision tree, one JSON line per group, beside the output.
    let mut explain = match &args.explain {
        None => None,
        Some(path) => match Replacing::create(path) {
            Ok(f) => Some(BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return Exit::Usage;
            }
        },
    };
    // Loading and checking the rules, opening the files: the kit's setup phase.
    let setup_s = started.elapsed().as_secs_f64();
    let (groups_shown, persons_shown) =
        (groups_path.display().to_string(), persons_path.display().to_string());
    let mut errors = |e: &crate::simulate::batch::RowError| {
        // The reader names the table (`groups:` / `persons:`); show its file instead.
        let message = e
            .message
            .strip_prefix("groups")
            .map(|rest| format!("{groups_shown}{rest}"))
            .or_else(|| e.message.strip_prefix("persons").map(|rest| format!("{persons_shown}{rest}")))
            .unwrap_or_else(|| e.message.clone());
        eprintln!("error: {message}");
    };
    // Lines are written on a worker thread while the next chunk is decided: the writers
    // are `Send`.
    let decide = |mut out: &mut (dyn Write + Send)| {
        let trees = explain.as_mut().map(|w| w as &mut (dyn Write + Send));
        let run = Population {
            service,
            keys: &keys,
            columns: &args.columns,
            as_of: args.as_of,
            whole,
            columnar: true,
        };
        let r = groups::run(&model, &run, groups_file, persons_file, &mut out, trees, &mut errors);
        r.and_then(|s| out.flush().map(|_| s).map_err(Failed::Write))
    };
    let result = if args.output.as_os_str() == "-" {
        decide(&mut BufWriter::new(std::io::stdout()))
    } else {
        let file = match Replacing::create(&args.output) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", args.output.display());
                return Exit::Usage;
            }
        };
        let mut out = BufWriter::with_capacity(1 << 20, file);
        decide(&mut out).and_then(|s| {
            let file = out.into_inner().map_err(|e| Failed::Write(e.into_error()))?;
            file.commit().map(|_| s).map_err(Failed::Write)
        })
    };
    let explained = match explain.map(|w| w.into_inner().map_err(|e| e.into_error())) {
        Some(Ok(file)) => file.commit(),
        Some(Err(e)) => Err(e),
        None => Ok(()),
    };
    if let (Ok(_), Err(e)) = (&result, explained) {
        eprintln!("error: cannot write the decision trees: {e}");
        return Exit::Usage;
    }
    match result {
        Ok(summary) => {
            if args.timings {
                bench_line(&summary, setup_s, started.elapsed().as_secs_f64(), explaining);
            }
            if summary.malformed > 0 {
                eprintln!("error: {} groups could not be read and were left out", summary.malformed);
                return Exit::Problems;
            }
            Exit::Clean
        }
        Err(Failed::Row(_)) => Exit::Problems,
        Err(Failed::Read(e)) => {
            eprintln!("error: cannot read the tables: {e}");
            Exit::Usage
        }
        Err(Failed::Write(e)) if args.output.as_os_str() == "-" => {
            super::output::failed_write(&e, Exit::Clean)
        }
        Err(Failed::Write(e)) => {
            eprintln!("error: cannot write `{}`: {e}", args.output.display());
            Exit::Usage
        }
    }
}

/// The timing line of the households benchmark kit (`../shared/bench-households/RULES.md`,
/// section 8): phases in seconds, `n` the groups. Reading the next chunk overlaps deciding
/// the current one, so on several cores the phases add up to more than `total_s`.
fn bench_line(summary: &groups::Summary, setup_s: f64, total_s: f64, single: bool) {
    let n = summary.groups;
    let (read_s, compute_s, write_s) =
        (summary.read.as_secs_f64(), summary.compute.as_secs_f64(), summary.write.as_secs_f64());
    let rate = |s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
    let phases = format!(
        "n={n} read_s={read_s:.6} setup_s={setup_s:.6} compute_s={compute_s:.6} write_s={write_s:.6} total_s={total_s:.6}"
    );
    if single {
        eprintln!("bench tool=reglament mode=single {phases} cases_per_s={:.0}", rate(compute_s));
    } else {
        eprintln!(
            "bench tool=reglament mode=batch {phases} households_per_s={:.0} compute_households_per_s={:.0}",
            rate(total_s),
            rate(compute_s)
        );
    }
}
