//! Writes a generated population of households for the bundled unified allowance:
//! `cargo run --release --example gen_households -- COUNT DIR [SEED]` writes
//! `DIR/households.csv` and `DIR/persons.csv` (see `reglament::synthetic::households`).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(count), Some(dir)) = (args.get(1).and_then(|c| c.parse().ok()), args.get(2)) else {
        eprintln!("usage: gen_households COUNT DIR [SEED]");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(42);
    let (groups, persons) = reglament::synthetic::households(count, seed);
    let dir = std::path::Path::new(dir);
    std::fs::create_dir_all(dir).expect("the directory can be made");
    std::fs::write(dir.join("households.csv"), groups).expect("households.csv is written");
    std::fs::write(dir.join("persons.csv"), persons).expect("persons.csv is written");
}
