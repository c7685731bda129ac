//! `reglament evaluate`: one service over a population CSV, one output row per input row.

use super::output::{Replacing, same_file};
use super::{Color, Exit, compile_clean};
use crate::date::Date;
use crate::model::{Model, ServiceId};
use crate::simulate::table::cells::{self, Cells};
use crate::simulate::table::{RowError, Table, Times, blocks};
use clap::Args;
use rayon::prelude::*;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// The service to evaluate for every row
    pub service: String,

    /// The regulation set: files or directories
    #[arg(long = "regulations", default_value = "regulations")]
    pub regulations: Vec<PathBuf>,

    /// Input CSV: a header naming the service's inputs, then one row per case (`-`:
    /// standard input)
    #[arg(long = "in", required_unless_present = "groups", conflicts_with_all = ["groups", "persons"])]
    pub input: Option<PathBuf>,

    /// For a service decided for a group: the groups table, one row per group (its id and
    /// facts), with `--persons`
    #[arg(long, requires = "persons", value_name = "CSV")]
    pub groups: Option<PathBuf>,

    /// The persons table: one row per member (id, group, role and facts), the members of
    /// each group together, in the order of the groups table
    #[arg(long, requires = "groups", value_name = "CSV")]
    pub persons: Option<PathBuf>,

    /// The groups table's id column
    #[arg(long, default_value = "id")]
    pub group_id: String,

    /// The persons table's id column
    #[arg(long, default_value = "id")]
    pub person_id: String,

    /// The persons table's column naming each person's group (default: the group's kind,
    /// e.g. `household`)
    #[arg(long)]
    pub person_group: Option<String>,

    /// The persons table's column naming each person's role in the group
    #[arg(long, default_value = "role")]
    pub role: String,

    /// Output CSV (`-` for stdout)
    #[arg(long = "out", default_value = "-")]
    pub output: PathBuf,

    /// Output columns, comma-separated: criteria, derived facts and outputs of the
    /// service, or input columns copied as they are
    #[arg(long, value_delimiter = ',', required = true)]
    pub columns: Vec<String>,

    /// The decision date: parameters take their value on it
    #[arg(long, value_parser = super::parse_date)]
    pub as_of: Date,

    /// Evaluate only the first K rows, one case at a time, each from scratch (batch mode
    /// spreads the rows over all cores; `RAYON_NUM_THREADS=1` keeps it on one)
    #[arg(long, value_name = "K")]
    pub single_cases: Option<usize>,

    /// Write each row's decision tree to FILE as JSON Lines: its line, and every
    /// criterion and refusal ground with the values it read and its result (rows then go
    /// one at a time through the interpreter)
    #[arg(long, value_name = "FILE")]
    pub explain: Option<PathBuf>,

    /// Print a `bench …` line of phase timings on stderr (for ../shared/bench)
    #[arg(long)]
    pub timings: bool,
}

/// Bytes read at once: memory stays bounded whatever the input.
const BLOCK: usize = 4 << 20;

/// The longest header line read: columns enough for any table.
const MAX_HEADER: usize = 64 << 20;

/// Bytes one worker parses, evaluates and writes in one go.
const PIECE: usize = 128 << 10;

/// What happened to one block of rows.
#[derive(Default)]
struct Block {
    /// Output lines, in pieces.
    out: Vec<Vec<u8>>,
    errors: Vec<RowError>,
    times: Times,
    /// Line ends in the block.
    lines: u64,
}

/// The regulation set, checked clean, and the service to evaluate.
pub fn compile_service(args: &EvaluateArgs, color: Color) -> Result<(Model, ServiceId), Exit> {
    let (_, model) = compile_clean(&args.regulations, color)?;
    let Some(service) = model.service(&args.service) else {
        eprintln!("error: no service named `{}`", args.service);
        return Err(Exit::Problems);
    };
    Ok((model, service))
}

pub fn run(args: &EvaluateArgs, color: Color) -> Exit {
    let Some(input_path) = &args.input else { return super::evaluate_groups::run(args, color) };
    let started = Instant::now();
    let shown = input_path.display().to_string();
    let opened = match super::load::is_stdin(input_path) {
        true => Ok(Box::new(std::io::stdin()) as Source),
        false => std::fs::File::open(input_path).map(|f| Box::new(f) as Source),
    };
    let mut file = match opened {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot read `{shown}`: {e}");
            return Exit::Usage;
        }
    };
    let mut input = Input { buf: Vec::with_capacity(BLOCK), start: 0, eof: false, time: Duration::ZERO };
    if let Err(e) = input.fill(&mut file) {
        eprintln!("error: cannot read `{shown}`: {e}");
        return Exit::Usage;
    }
    // The header, whole, however long it is (up to a limit).
    let header_end = loop {
        match blocks::first_record(&input.buf) {
            Some(end) => break end,
            None if input.eof => break input.buf.len(),
            None if input.buf.len() >= MAX_HEADER => {
                eprintln!("error: {shown}: the header line is longer than {} MiB", MAX_HEADER >> 20);
                return Exit::Usage;
            }
            None => {
                if let Err(e) = input.fill(&mut file) {
                    eprintln!("error: cannot read `{shown}`: {e}");
                    return Exit::Usage;
                }
            }
        }
    };
    let bytes = &input.buf[..header_end];
    let line_end = bytes.strip_suffix(b"\n").map_or(bytes, |b| b.strip_suffix(b"\r").unwrap_or(b));
    if memchr::memchr(b'\r', line_end).is_some() {
        eprintln!(
            "error: {shown}: the header line holds a carriage return that ends no line; lines ending in a carriage return alone are not read: save the file with LF or CRLF line ends"
        );
        return Exit::Usage;
    }
    let header = cells::reader(bytes).byte_records().next().and_then(Result::ok);
    let Some(header) = header.map(|h| (0..h.len()).map(|i| h.cell(i).to_vec()).collect::<csv::ByteRecord>())
    else {
        eprintln!("error: {shown}: no header line naming the columns");
        return Exit::Problems;
    };
    input.start = header_end;
    let mut line = 1 + memchr::memchr_iter(b'\n', &input.buf[..header_end]).count() as u64;

    // Setup: compile the rules and map the columns.
    let setup = Instant::now();
    let (model, service) = match compile_service(args, color) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let table = match Table::new(&model, service, &header, &args.columns, args.as_of) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Problems;
        }
    };
    for name in table.missing_inputs() {
        eprintln!("warning: {shown}: no column for the input `{name}`: it is unknown in every row");
    }
    let setup_s = setup.elapsed().as_secs_f64();

    for (path, what) in [(Some(&args.output), "output"), (args.explain.as_ref(), "decision trees")] {
        if let Some(path) = path.filter(|p| same_file(p, input_path)) {
            eprintln!("error: the {what} `{}` is the input file; write it elsewhere", path.display());
            return Exit::Usage;
        }
    }
    let sink = if args.output.as_os_str() == "-" {
        Sink::Stdout(std::io::stdout())
    } else {
        match Replacing::create(&args.output) {
            Ok(f) => Sink::File(f),
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", args.output.display());
                return Exit::Usage;
            }
        }
    };
    let spare = Spare::default();
    let mut output = Output { sink, time: Duration::ZERO, rows: 0, errors: 0, shown: &shown, spare: &spare };
    let explain_path = args.explain.as_deref().unwrap_or(std::path::Path::new(""));
    let failed = |f: Failed| {
        match f {
            Failed::Read(e) => eprintln!("error: cannot read `{shown}`: {e}"),
            // A reader of standard output that closed it has what it wanted.
            Failed::Write(e) if args.output.as_os_str() == "-" => {
                return super::output::failed_write(&e, Exit::Clean);
            }
            Failed::Write(e) => eprintln!("error: cannot write `{}`: {e}", args.output.display()),
            Failed::Explain(e) => eprintln!("error: cannot write `{}`: {e}", explain_path.display()),
        }
        Exit::Usage
    };
    let mut times = Times::default();
    if let Err(e) = output.sink.write_all(table.header().as_bytes()) {
        return failed(Failed::Write(e));
    }

    let mut explained = match &args.explain {
        None => None,
        Some(path) => match Replacing::create(path) {
            Ok(f) => Some(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return Exit::Usage;
            }
        },
    };
    let one_by_one = args.single_cases.is_some() || explained.is_some();
    let result = match one_by_one {
        true => {
            let explained = explained.as_mut().map(|w| w as &mut dyn Write);
            let cases = Cases { limit: args.single_cases, explained };
            single(&table, &mut input, &mut file, &mut output, line, cases, &mut times)
        }
        false => {
            // Each block is evaluated over all cores while the previous one is written and
            // the next one read (after the unfinished record the block ends with).
            let mut done = Block::default();
            let mut next = Vec::with_capacity(BLOCK);
            loop {
                let (end, last) = match input.eof {
                    true => (input.buf.len(), true),
                    false => (input.start.max(blocks::last_record(&input.buf)), false),
                };
                next.clear();
                next.extend_from_slice(&input.buf[end..]);
                let bytes = &input.buf[input.start..end];
                let (time, output) = (&mut input.time, &mut output);
                let (block, io) = rayon::join(
                    || evaluate_block(&table, bytes, line, &spare),
                    || {
                        output.write(std::mem::take(&mut done)).map_err(Failed::Write)?;
                        match last {
                            true => Ok(true),
                            false => read_block(&mut file, &mut next, time).map_err(Failed::Read),
                        }
                    },
                );
                let eof = match io {
                    Ok(eof) => eof,
                    Err(f) => return failed(f),
                };
                times += block.times;
                line += block.lines;
                done = block;
                if last {
                    break;
                }
                std::mem::swap(&mut input.buf, &mut next);
                (input.start, input.eof) = (0, eof);
            }
            output.write(done).map_err(Failed::Write)
        }
    };
    if let Err(f) = result {
        return failed(f);
    }
    // Both files are put in place only when both were written whole.
    let explained = explained.map(|w| w.into_inner().map_err(|e| Failed::Explain(e.into_error())));
    let explained = match explained.transpose() {
        Ok(e) => e,
        Err(f) => return failed(f),
    };
    let (time, rows, errors) = (output.time, output.rows, output.errors);
    let committed = output.sink.commit().map_err(Failed::Write);
    let committed =
        committed.and_then(|()| explained.map_or(Ok(()), |w| w.commit().map_err(Failed::Explain)));
    if let Err(f) = committed {
        return failed(f);
    }
    let n = rows;
    let total_s = started.elapsed().as_secs_f64();
    if args.timings {
        let read_s = input.time.as_secs_f64() + times.parse.as_secs_f64();
        let compute_s = times.compute.as_secs_f64();
        let write_s = time.as_secs_f64() + times.format.as_secs_f64();
        let rate = |s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
        let phases = format!(
            "n={n} read_s={read_s:.6} setup_s={setup_s:.6} compute_s={compute_s:.6} write_s={write_s:.6} total_s={total_s:.6}"
        );
        match one_by_one {
            true => {
                eprintln!("bench tool=reglament mode=single {phases} cases_per_s={:.0}", rate(compute_s))
            }
            false => eprintln!(
                "bench tool=reglament mode=batch {phases} persons_per_s={:.0} compute_persons_per_s={:.0}",
                rate(total_s),
                rate(compute_s)
            ),
        }
    }
    if errors > 0 {
        eprintln!("error: {shown}: {errors} rows could not be read and were left out");
        return Exit::Problems;
    }
    Exit::Clean
}

/// Evaluates a block of whole records over all cores, in pieces, keeping their order.
fn evaluate_block(table: &Table, bytes: &[u8], line: u64, spare: &Spare) -> Block {
    // Each piece counts its own lines; its errors are numbered from 0 and moved after.
    let done: Vec<Block> = blocks::pieces(bytes, PIECE)
        .par_iter()
        .map_init(
            || table.work(),
            |work, piece| {
                let piece = &bytes[piece.clone()];
                let mut out = spare.take(piece.len() * 2);
                let mut block = Block::default();
                block.times = table.evaluate_slice(piece, 0, work, &mut out, &mut block.errors);
                block.lines = memchr::memchr_iter(b'\n', piece).count() as u64;
                block.out.push(out);
                block
            },
        )
        .collect();
    let mut all = Block::default();
    for b in done {
        all.out.extend(b.out);
        all.errors.extend(b.errors.into_iter().map(|(at, e)| (line + all.lines + at, e)));
        all.times += b.times;
        all.lines += b.lines;
    }
    all
}

/// Appends up to `BLOCK` bytes of the file; whether it has ended.
/// Where the rows come from: a file, or standard input.
type Source = Box<dyn Read + Send>;

fn read_block(file: &mut Source, buf: &mut Vec<u8>, time: &mut Duration) -> std::io::Result<bool> {
    let t = Instant::now();
    let n = Read::by_ref(file).take(BLOCK as u64).read_to_end(buf)?;
    *time += t.elapsed();
    Ok(n < BLOCK)
}

/// What `single` evaluates: the first `limit` rows (all without one), and where the
/// decision trees go, if anywhere.
struct Cases<'a> {
    limit: Option<usize>,
    explained: Option<&'a mut dyn Write>,
}

/// Rows one case at a time through the interpreter, each parsed and evaluated from
/// scratch, block by block.
fn single(
    table: &Table,
    input: &mut Input,
    file: &mut Source,
    output: &mut Output,
    mut line: u64,
    mut cases: Cases,
    times: &mut Times,
) -> Result<(), Failed> {
    let mut done = 0;
    let mut record = csv::ByteRecord::new();
    let mut trees = Vec::new();
    loop {
        let left = cases.limit.map_or(usize::MAX, |k| k - done);
        // Whole records: up to the last one begun in the buffer, or the `left`-th.
        let end = match input.eof {
            true => input.buf.len(),
            false => input.start.max(blocks::last_record(&input.buf)),
        };
        let end = blocks::records(&input.buf[input.start..end], left).map_or(end, |n| input.start + n);
        let bytes = &input.buf[input.start..end];
        let mut reader = cells::reader(bytes);
        // The buffer written out by the last block, reused: fresh ones would all be kept.
        let mut block = Block { out: vec![output.spare.take(bytes.len())], ..Block::default() };
        let mut broken = false;
        while done < cases.limit.unwrap_or(usize::MAX) {
            let t = Instant::now();
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let at = e.position().map_or(line, |p| line + p.line() - 1);
                    block.errors.push((at, e.to_string()));
                    broken = true;
                    break;
                }
            }
            if cells::blank(&record) {
                continue;
            }
            done += 1;
            let at = line + record.position().map_or(1, |p| p.line()) - 1;
            let inputs = table.read_row(&record);
            times.parse += t.elapsed();
            let t = Instant::now();
            match (inputs, cases.explained.is_some()) {
                (Ok(inputs), true) => {
                    table.evaluate_explained(&record, &inputs, at, &mut block.out[0], &mut trees);
                    // Trees are ten times the size of their rows: written as they come.
                    if trees.len() >= 1 << 20 {
                        if let Some(w) = cases.explained.as_mut() {
                            w.write_all(&trees).map_err(Failed::Explain)?;
                        }
                        trees.clear();
                    }
                }
                (Ok(inputs), false) => table.evaluate(&record, &inputs, &mut block.out[0]),
                (Err(e), _) => {
                    block.errors.push((at, e));
                    continue;
                }
            }
            block.times.rows += 1;
            times.compute += t.elapsed();
        }
        line += memchr::memchr_iter(b'\n', bytes).count() as u64;
        output.write(block).map_err(Failed::Write)?;
        if let Some(w) = cases.explained.as_mut() {
            w.write_all(&trees).map_err(Failed::Explain)?;
            trees.clear();
        }
        input.start = end;
        if broken || input.eof || cases.limit.is_some_and(|k| done >= k) {
            return Ok(());
        }
        input.fill(file).map_err(Failed::Read)?;
    }
}

/// A file that failed: the input, the output or the decision trees.
enum Failed {
    Read(std::io::Error),
    Write(std::io::Error),
    Explain(std::io::Error),
}

/// The input file, read a block at a time; `buf[start..]` is not evaluated yet.
struct Input {
    buf: Vec<u8>,
    start: usize,
    eof: bool,
    time: Duration,
}

impl Input {
    /// Drops what was evaluated and reads up to `BLOCK` more bytes.
    fn fill(&mut self, file: &mut Source) -> std::io::Result<()> {
        self.buf.drain(..self.start);
        self.start = 0;
        self.eof = read_block(file, &mut self.buf, &mut self.time)?;
        Ok(())
    }
}

/// Output buffers written out, kept for the next pieces: fresh ones would be mapped and
/// zeroed by the kernel page by page, again for every block.
#[derive(Default)]
struct Spare(std::sync::Mutex<Vec<Vec<u8>>>);

impl Spare {
    fn take(&self, capacity: usize) -> Vec<u8> {
        let mut out = self.0.lock().ok().and_then(|mut kept| kept.pop()).unwrap_or_default();
        out.reserve(capacity);
        out
    }

    fn keep(&self, mut out: Vec<u8>) {
        out.clear();
        if let Ok(mut kept) = self.0.lock() {
            kept.push(out);
        }
    }
}

/// Standard output, or a file put in place when the run ends well.
enum Sink {
    Stdout(std::io::Stdout),
    File(Replacing),
}

impl Sink {
    fn commit(self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(mut s) => s.flush(),
            Sink::File(f) => f.commit(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

/// Where output lines go, with the rows written and errors reported so far.
struct Output<'a> {
    sink: Sink,
    time: Duration,
    rows: usize,
    errors: usize,
    shown: &'a str,
    spare: &'a Spare,
}

impl Output<'_> {
    fn write(&mut self, block: Block) -> std::io::Result<()> {
        let t = Instant::now();
        for out in block.out {
            self.sink.write_all(&out)?;
            self.spare.keep(out);
        }
        self.rows += block.times.rows;
        for (line, message) in &block.errors {
            eprintln!("error: {}:{line}: {message}", self.shown);
        }
        self.errors += block.errors.len();
        self.time += t.elapsed();
        Ok(())
    }
}
