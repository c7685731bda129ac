//! `reglament evaluate`: one service over a population CSV, one output row per input row.

use super::{Color, Exit, compile_clean};
use crate::date::Date;
use crate::simulate::{model::Model, table::Table};
use clap::Args;
use rayon::prelude::*;
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

    /// Evaluate only the first K rows, one case at a time, each from scratch (batch mode
    /// spreads the rows over all cores; `RAYON_NUM_THREADS=1` keeps it on one)
    #[arg(long, value_name = "K")]
    pub single_cases: Option<usize>,

    /// Print a `bench …` line of phase timings on stderr (for ../shared/bench)
    #[arg(long)]
    pub timings: bool,
}

/// Rows read, evaluated and written together: memory stays bounded whatever the input.
const CHUNK: usize = 1 << 16;
/// Rows one worker evaluates in one go.
const SLICE: usize = 2048;

pub fn run(args: &EvaluateArgs, color: Color) -> Exit {
    let started = Instant::now();
    let fail = |message: String| {
        eprintln!("error: {message}");
        Exit::Problems
    };
    let shown = args.input.display().to_string();
    let mut reader = match csv::ReaderBuilder::new().buffer_capacity(1 << 20).from_path(&args.input) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot read `{shown}`: {e}");
            return Exit::Usage;
        }
    };
    let header = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return fail(format!("{shown}: {e}")),
    };
    let mut read_s = started.elapsed().as_secs_f64();

    // Setup: compile the rules and map the columns.
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
    let setup_s = setup.elapsed().as_secs_f64();

    let sink: Box<dyn Write> = if args.output.as_os_str() == "-" {
        Box::new(std::io::stdout())
    } else {
        match std::fs::File::create(&args.output) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", args.output.display());
                return Exit::Usage;
            }
        }
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 20, sink);
    let (mut compute_s, mut write_s) = (0.0, 0.0);
    let write_error = |e: std::io::Error| {
        eprintln!("error: cannot write `{}`: {e}", args.output.display());
        Exit::Usage
    };
    let t = Instant::now();
    if let Err(e) = out.write_all(table.header().as_bytes()) {
        return write_error(e);
    }
    write_s += t.elapsed().as_secs_f64();

    let limit = args.single_cases.unwrap_or(usize::MAX);
    let mut n = 0usize;
    let mut chunk: Vec<csv::ByteRecord> = Vec::with_capacity(CHUNK);
    loop {
        // Read a chunk into records kept from the previous one (no allocation per row).
        let t = Instant::now();
        let mut len = 0;
        while len < CHUNK && n + len < limit {
            if len == chunk.len() {
                chunk.push(csv::ByteRecord::new());
            }
            match reader.read_byte_record(&mut chunk[len]) {
                Ok(true) => len += 1,
                Ok(false) => break,
                Err(e) => return fail(format!("{shown}: {e}")),
            }
        }
        read_s += t.elapsed().as_secs_f64();
        if len == 0 {
            break;
        }
        let rows = &chunk[..len];
        // Evaluate it: one case at a time in single-case mode, in parallel slices otherwise.
        let t = Instant::now();
        let first_line = n as u64 + 2;
        let evaluate = |rows: &[csv::ByteRecord], line: u64| -> Result<Vec<u8>, String> {
            let mut buf = Vec::with_capacity(rows.len() * 96);
            for (i, r) in rows.iter().enumerate() {
                let inputs = table.parse(r, line + i as u64)?;
                table.evaluate(r, &inputs, args.as_of, &mut buf);
            }
            Ok(buf)
        };
        let buffers: Result<Vec<Vec<u8>>, String> = if args.single_cases.is_some() {
            rows.iter()
                .enumerate()
                .map(|(i, r)| evaluate(std::slice::from_ref(r), first_line + i as u64))
                .collect()
        } else {
            rows.par_chunks(SLICE)
                .enumerate()
                .map(|(k, rows)| evaluate(rows, first_line + (k * SLICE) as u64))
                .collect()
        };
        compute_s += t.elapsed().as_secs_f64();
        let buffers = match buffers {
            Ok(b) => b,
            Err(e) => return fail(format!("{shown}: {e}")),
        };
        n += len;
        // Write it.
        let t = Instant::now();
        for b in &buffers {
            if let Err(e) = out.write_all(b) {
                return write_error(e);
            }
        }
        write_s += t.elapsed().as_secs_f64();
    }
    let t = Instant::now();
    if let Err(e) = out.flush() {
        return write_error(e);
    }
    write_s += t.elapsed().as_secs_f64();
    let total_s = started.elapsed().as_secs_f64();
    if args.timings {
        let rate = |s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
        match args.single_cases {
            Some(_) => eprintln!(
                "bench tool=reglament mode=single n={n} read_s={read_s:.6} setup_s={setup_s:.6} compute_s={compute_s:.6} write_s={write_s:.6} total_s={total_s:.6} cases_per_s={:.0}",
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
