//! The `genlogs` command line: seeded, realistic gateway logs on stdout, for
//! the samples and the benches. The generator is the `genlogs` crate
//! (`genlogs/src/lib.rs` describes the output and the flags).
//!
//! ```text
//! cargo run --release --example genlogs -- --bytes 2G --seed 7 > big.jsonl
//! ```

use std::io::{self, BufWriter, Write};
use std::process;

use genlogs::{Command, Config, USAGE};

fn run(cfg: &Config) -> io::Result<()> {
    let stdout = io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, stdout.lock());
    genlogs::write_logs(cfg, &mut w)?;
    w.flush()
}

fn main() {
    let cfg = match genlogs::parse_args(std::env::args().skip(1)) {
        Ok(Command::Generate(cfg)) => cfg,
        Ok(Command::Help) => {
            println!("{USAGE}");
            process::exit(0);
        }
        Err(e) => {
            eprintln!("genlogs: {e}\n{USAGE}");
            process::exit(2);
        }
    };
    if let Err(e) = run(&cfg) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("genlogs: {e}");
            process::exit(1);
        }
    }
}
