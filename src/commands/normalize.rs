//! `llmspend normalize`: one priced row per kept usage record, schema
//! `llmspend.usage.v1` (docs/normalize.md), as JSONL (a file or standard
//! output, with an accounting trailer) or Parquet (a folder of
//! `day=YYYY-MM-DD/part-<run>.parquet` and a run manifest). Reads like
//! `report`: same inputs, filters, owners, aliases, rate card and dedupe.

use crate::cli::{NormalizeArgs, NormalizeFormat};
use std::path::PathBuf;

use crate::config::Config;
use crate::error::UsageError;
use crate::exit::ExitStatus;
use crate::input;
use crate::normalize::{self, ddl, Row};
use crate::output::{self, Output};
use crate::pipeline;
use crate::plan::rates_sha256;
use crate::record::Field;
use crate::render::sanitize::terminal;
use crate::report::Report;

/// Runs `normalize`.
pub fn run(args: NormalizeArgs) -> anyhow::Result<ExitStatus> {
    if let Some(engine) = args.print_ddl {
        let location = args
            .location
            .clone()
            .or_else(|| args.output.as_ref().map(|p| p.display().to_string()))
            .unwrap_or_else(|| "usage".to_string());
        let text = ddl::ddl(engine, &location);
        Output::stdout().write(|w| w.write_all(text.as_bytes()))?;
        return Ok(ExitStatus::Success);
    }
    let (format, out) = format_and_out(&args)?;
    let run_id = args.run_id.clone();
    let max_file_bytes = args
        .max_file_bytes
        .unwrap_or(normalize::parquet::MAX_FILE_BYTES);
    if let Some(r) = &run_id {
        let ok = !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
            && !r.starts_with('.');
        if !ok {
            return Err(UsageError::BadValue {
                flag: "--run-id",
                message: format!("`{r}`: use letters, digits, `-` and `_`"),
            }
            .into());
        }
    }
    let f = &args.filter;
    let (tz, since, until, month) = (
        f.tz.clone(),
        f.since.clone(),
        f.until.clone(),
        f.month.clone(),
    );
    let wheres: Vec<String> = f.wheres.iter().map(|w| w.to_string()).collect();
    let config = Config::from_normalize(args)?;
    let rates = rates_sha256(&config.card);
    let mut stashed: Option<anyhow::Error> = None;
    let (report, rows) = match format {
        NormalizeFormat::Jsonl => {
            let target = match out.as_os_str() == "-" {
                true => Output::stdout(),
                false => Output::create(Some(&out))?,
            };
            // Rows go out as they are read; the trailer after the last.
            let mut built = None;
            let wrote = target.write(|w| {
                let mut line = String::with_capacity(1024);
                let mut emit = |row: Row, files: &[String]| {
                    normalize::jsonl::write_row(&row, files, &mut line, w)
                };
                match build(&config, &mut emit) {
                    Ok((report, rows, _)) => {
                        let trailer = normalize::jsonl::trailer(&rates, rows, &report.accounting);
                        built = Some((report, rows));
                        normalize::jsonl::write_trailer(&trailer, w)
                    }
                    Err(e) => {
                        let message = e.to_string();
                        built = None;
                        stashed = Some(e);
                        Err(std::io::Error::other(message))
                    }
                }
            });
            if let Some(e) = stashed.take() {
                return Err(e);
            }
            wrote?;
            built.ok_or_else(|| anyhow::anyhow!("normalize wrote nothing"))?
        }
        NormalizeFormat::Parquet => {
            // Refuse an unwritable OUT or another schema before reading.
            normalize::parquet::prepare(&out)?;
            let run = match &run_id {
                Some(r) => r.clone(),
                None => derived_run_id(&config, &rates),
            };
            let mut writer = Some(normalize::parquet::Writer::new(&out, &run, max_file_bytes));
            let mut emit = |row: Row, files: &[String]| match writer.as_mut() {
                Some(w) => w.push(row, files),
                None => Ok(()),
            };
            let built = build(&config, &mut emit);
            let writer = writer.take();
            let (report, rows, files) = match built {
                Ok(b) => b,
                Err(e) => {
                    if let Some(w) = writer {
                        w.abandon();
                    }
                    return Err(e);
                }
            };
            let c = &report.accounting.counts;
            let manifest = serde_json::json!({
                "schema": normalize::SCHEMA,
                "llmspend_version": env!("CARGO_PKG_VERSION"),
                "run": run,
                "inputs": files,
                "rates_sha256": rates,
                "tz": tz,
                "filters": {
                    "since": since, "until": until, "month": month,
                    "where": wheres, "dedupe": config.dedupe,
                },
                "records": rows,
                "lines_read": c.lines_read,
                "accounting": super::report::accounting_json(&report)?,
            });
            if let Some(w) = writer {
                w.finish(&files, &manifest)?;
            }
            (report, rows)
        }
    };
    super::report::write_accounting(config.accounting.as_deref(), &report)?;
    let quiet = config.quiet;
    output::stderr(|w| {
        super::report::summary(&report, quiet, true, w)?;
        match out.as_os_str() == "-" {
            _ if quiet => Ok(()),
            true => writeln!(w, "wrote {rows} rows to standard output"),
            false => writeln!(
                w,
                "wrote {rows} rows to {}",
                terminal(&out.display().to_string())
            ),
        }
    })?;
    let counts = &report.accounting.counts;
    let nothing = counts.records() == 0 && counts.lines_read > counts.blank;
    let unreadable = !report.accounting.unreadable.is_empty() && !config.skip_unreadable;
    Ok(match nothing || unreadable {
        true => ExitStatus::Error,
        false => ExitStatus::Success,
    })
}

/// The run id when `--run-id` is not given: a hash of what decides the
/// rows (inputs as named, filters, time zone, dedupe, owners, value and
/// route options, rate card), so a re-run replaces its own files.
fn derived_run_id(config: &Config, rates: &str) -> String {
    use sha2::{Digest, Sha256};
    let text = format!(
        "{}\n{:?}\n{:?}\n{}\n{}\n{}\n{}\n{}\n{:?}\n{:?}\n{rates}",
        normalize::SCHEMA,
        config.paths,
        config.read.stdin_name,
        config.tz_offset,
        config.window.since.unwrap_or(i64::MIN),
        config.window.until.unwrap_or(i64::MAX),
        config.dedupe,
        config.normalize_values,
        config
            .wheres
            .iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>(),
        config.owners.as_ref().map(|o| o.row_names()),
    );
    let h = Sha256::digest(format!("{text}\n{}", config.route_templates).as_bytes());
    h.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The format (`--format`, else from OUT: JSONL for `-` and `*.jsonl`,
/// Parquet otherwise) and OUT.
fn format_and_out(args: &NormalizeArgs) -> anyhow::Result<(NormalizeFormat, PathBuf)> {
    let bad = |flag, message: &str| UsageError::BadValue {
        flag,
        message: message.into(),
    };
    let out = args
        .output
        .clone()
        .ok_or_else(|| bad("-o", "give -o OUT: a folder (Parquet), a file or - (JSONL)"))?;
    let jsonl = out.as_os_str() == "-"
        || out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"));
    let format = args.format.unwrap_or(match jsonl {
        true => NormalizeFormat::Jsonl,
        false => NormalizeFormat::Parquet,
    });
    if format == NormalizeFormat::Parquet && out.as_os_str() == "-" {
        return Err(bad(
            "--format",
            "parquet writes a folder of files: give -o FOLDER (or --format jsonl for -o -)",
        )
        .into());
    }
    Ok((format, out))
}

/// Reads the inputs of a resolved config like `report` and hands each kept
/// row to `emit` in (file path, physical line) order as it is read
/// (`normalize/stream.rs`); gives the report (for the accounting), the
/// rows written and the inputs' names.
pub fn build(
    config: &Config,
    emit: &mut dyn FnMut(Row, &[String]) -> std::io::Result<()>,
) -> anyhow::Result<(Report, u64, Vec<String>)> {
    let (inputs, problems) = input::discover(&config.paths);
    let mut plan = super::report::plan(config);
    plan.dims = Vec::new();
    plan.reported_cost = true;
    plan.also_read = Field::ALL.to_vec();
    let a = &mut plan.attribution;
    a.offender_dims = Vec::new();
    // The route column is written, templated as report groups it.
    a.route_templates = config.route_templates;
    a.track_origin = config.owners.is_some();
    a.value_fields = Vec::new();
    let files = pipeline::names(&inputs, &config.read);
    let streamed = normalize::stream::run(&inputs, &plan, &config.read, &files, emit)?;
    let (partial, ()) = streamed.run.into_partial(&plan, |sums| (sums, ()));
    let report = super::report::checked(partial, problems)?.finish();
    let parsed = report.accounting.counts.parsed;
    let rows = streamed.order.rows;
    // The rows kept by the writer's dedupe are the records report's own
    // dedupe counted; only a collision of report's 64-bit id hashes
    // (src/dedupe.rs) could part them.
    anyhow::ensure!(
        rows == parsed,
        "normalize wrote {rows} rows but counted {parsed} records; please report this"
    );
    Ok((report, rows, files))
}
