//! `reglament evaluate`: one service over a population CSV, one output row per input row.

use super::{Color, Exit, compile_clean};
use crate::date::Date;
use crate::simulate::{model::Model, table::Table};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// The service to evaluate for every row
    pub service: String,

    /// The regulation set: files or directories
    #[arg(long = "regulations", default_value = "regulations")]
    pub regulations: Vec<PathBuf>,

    /// Input CSV: a header naming the service's inputs, then one row per case
    #[arg(long = "in")]
    pub input: PathBuf,

    /// Output CSV (`-` for stdout)
    #[arg(long = "out", default_value = "-")]
    pub output: PathBuf,

    /// Output columns, comma-separated: criteria, derived facts and outputs of the
    /// service, or input columns copied as they are
    #[arg(long, value_delimiter = ',', required = true)]
    pub columns: Vec<String>,

    /// The decision date: parameters take their value on it
    #[arg(long, value_parser = |s: &str| Date::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)")))]
    pub as_of: Date,

    /// Evaluate only the first K rows, one case at a time, each from scratch
    #[arg(long, value_name = "K")]
    pub single_cases: Option<usize>,

    /// Print a `bench …` line of phase timings on stderr (for ../shared/bench)
    #[arg(long)]
    pub timings: bool,
}

pub fn run(args: &EvaluateArgs, color: Color) -> Exit {
    let started = Instant::now();
    let fail = |message: String| {
        eprintln!("error: {message}");
        Exit::Problems
    };
    // Read: the CSV into memory.
    let mut reader = match csv::ReaderBuilder::new().from_path(&args.input) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", args.input.display());
            return Exit::Usage;
        }
    };
    let header = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return fail(format!("{}: {e}", args.input.display())),
    };
    let mut records = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => records.push(record.clone()),
            Ok(false) => break,
            Err(e) => return fail(format!("{}: {e}", args.input.display())),
        }
    }
    let read_s = started.elapsed().as_secs_f64();

    // Setup: compile the rules, map the columns, parse the rows.
    let setup = Instant::now();
    let (_, compiled) = match compile_clean(&args.regulations, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let model = Model::compile(&compiled.modules);
    let Some(service) = model.service(&args.service) else {
        return fail(format!("no service named `{}`", args.service));
    };
    let table = match Table::new(&model, service, &header, &args.columns) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let single = args.single_cases.map(|k| k.min(records.len()));
    let mut inputs = Vec::with_capacity(records.len());
    if single.is_none() {
        for (i, r) in records.iter().enumerate() {
            match table.parse(r, i as u64 + 2) {
                Ok(v) => inputs.push(v),
                Err(e) => return fail(format!("{}: {e}", args.input.display())),
            }
        }
    }
    let setup_s = setup.elapsed().as_secs_f64();

    // Compute.
    let compute = Instant::now();
    let mut out = Vec::with_capacity(records.len() * 64);
    out.extend_from_slice(table.header().as_bytes());
    let n = match single {
        Some(k) => {
            for (i, r) in records.iter().take(k).enumerate() {
                match table.parse(r, i as u64 + 2) {
                    Ok(v) => table.evaluate(r, &v, args.as_of, &mut out),
                    Err(e) => return fail(format!("{}: {e}", args.input.display())),
                }
            }
            k
        }
        None => {
            for (r, v) in records.iter().zip(&inputs) {
                table.evaluate(r, v, args.as_of, &mut out);
            }
            records.len()
        }
    };
    let compute_s = compute.elapsed().as_secs_f64();

    // Write.
    let write = Instant::now();
    let written = if args.output.as_os_str() == "-" {
        std::io::stdout().write_all(&out)
    } else {
        std::fs::write(&args.output, &out)
    };
    if let Err(e) = written {
        eprintln!("error: cannot write `{}`: {e}", args.output.display());
        return Exit::Usage;
    }
    let write_s = write.elapsed().as_secs_f64();
    let total_s = started.elapsed().as_secs_f64();
    if args.timings {
        let rate = |s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
        match single {
            Some(k) => eprintln!(
                "bench tool=reglament mode=single n={k} read_s={read_s:.6} setup_s={setup_s:.6} compute_s={compute_s:.6} write_s={write_s:.6} total_s={total_s:.6} cases_per_s={:.0}",
                rate(compute_s)
            ),
            None => eprintln!(
                "bench tool=reglament mode=batch n={n} read_s={read_s:.6} setup_s={setup_s:.6} compute_s={compute_s:.6} write_s={write_s:.6} total_s={total_s:.6} persons_per_s={:.0} compute_persons_per_s={:.0}",
                rate(total_s),
                rate(compute_s)
            ),
        }
    }
    Exit::Clean
}
