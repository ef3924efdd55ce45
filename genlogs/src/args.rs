//! The command line: `--bytes`/`--lines`, `--seed`, `--format`, `--month`,
//! `--malformed-per-mille` and `--samples`, into a [`Config`].

use crate::{Config, Format, Limit};

pub const USAGE: &str =
    "usage: genlogs [--bytes SIZE | --lines N] [--seed S] [--format jsonl|csv] \
[--month YYYY-MM] [--malformed-per-mille N] [--samples]";

/// Parses `2G`, `500M`, `64K`, `1000` (binary multiples; a trailing `B`/`iB` is allowed).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, mult) = match t.chars().last() {
        Some('K') | Some('k') => (&t[..t.len() - 1], 1u64 << 10),
        Some('M') | Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('G') | Some('g') => (&t[..t.len() - 1], 1 << 30),
        Some('T') | Some('t') => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let n: u64 = digits.parse().map_err(|_| format!("bad size: {s:?}"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("size too large: {s:?}"))
}

fn parse_month(s: &str) -> Result<(i64, u32), String> {
    let bad = || format!("bad month (want YYYY-MM): {s:?}");
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let y: i64 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

/// What the command line asks for.
pub enum Command {
    /// `-h` or `--help`: print [`USAGE`] and exit.
    Help,
    Generate(Config),
}

/// Parses the arguments after the program name; the first bad one is the error.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut cfg = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--bytes" => cfg.limit = Limit::Bytes(parse_size(&value("--bytes")?)?),
            "--lines" => {
                let v = value("--lines")?;
                cfg.limit = Limit::Lines(v.parse().map_err(|_| format!("bad --lines: {v:?}"))?);
            }
            "--seed" => {
                let v = value("--seed")?;
                cfg.seed = v.parse().map_err(|_| format!("bad --seed: {v:?}"))?;
            }
            "--format" => {
                cfg.format = match value("--format")?.as_str() {
                    "jsonl" | "json" | "ndjson" => Format::Jsonl,
                    "csv" => Format::Csv,
                    other => return Err(format!("bad --format: {other:?} (jsonl|csv)")),
                }
            }
            "--month" => (cfg.year, cfg.month) = parse_month(&value("--month")?)?,
            "--malformed-per-mille" => {
                let v = value("--malformed-per-mille")?;
                let n: u32 = v
                    .parse()
                    .map_err(|_| format!("bad --malformed-per-mille: {v:?}"))?;
                cfg.malformed_per_mille = n.min(1000);
            }
            "--samples" => cfg.samples = true,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument: {other:?}")),
        }
    }
    Ok(Command::Generate(cfg))
}
