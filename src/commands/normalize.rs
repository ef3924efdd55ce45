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
use crate::normalize::{self, ddl, Row, Rows};
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
    let (report, rows, files) = match format {
        NormalizeFormat::Jsonl => {
            let target = match out.as_os_str() == "-" {
                true => Output::stdout(),
                false => Output::create(Some(&out))?,
            };
            let (report, rows, files) = build(&config)?;
            let trailer = normalize::jsonl::trailer(&rates, rows.len() as u64, &report.accounting);
            target.write(|w| normalize::jsonl::write(&rows, &files, &trailer, w))?;
            (report, rows.len(), files)
        }
        NormalizeFormat::Parquet => {
            // Refuse an unwritable OUT or another schema before reading.
            normalize::parquet::prepare(&out)?;
            let (report, rows, files) = build(&config)?;
            let run = match &run_id {
                Some(r) => r.clone(),
                None => derived_run_id(&config, &rates),
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
                "records": rows.len(),
                "lines_read": c.lines_read,
                "accounting": super::report::accounting_json(&report)?,
            });
            normalize::parquet::write(&out, &run, &rows, &files, &manifest, max_file_bytes)?;
            (report, rows.len(), files)
        }
    };
    let _ = files;
    super::report::write_accounting(config.accounting.as_deref(), &report)?;
    let quiet = config.quiet;
    output::stderr(|w| {
        super::report::summary(&report, quiet, true, w)?;
        match out.as_os_str() == "-" {
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

/// Reads the inputs of a resolved config into the report (for the
/// accounting), the rows in (file path, line) order and the file names.
pub fn build(config: &Config) -> anyhow::Result<(Report, Vec<Row>, Vec<String>)> {
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
    let consumer = Rows::new(&plan);
    let run = pipeline::run(&inputs, &plan, &config.read, &consumer)?;
    let files = run.files.clone();
    let (partial, rows) = run.into_partial(&plan, |mut out| {
        let sums = std::mem::take(&mut out.sums);
        (sums, out)
    });
    let rows = rows.into_rows(&partial.sums.chunk_lines);
    let report = super::report::checked(partial, problems)?.finish();
    Ok((report, rows, files))
}
