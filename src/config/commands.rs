//! Resolving the subcommands other than `report` and `coverage` (budget,
//! bill, export, normalize) into a [`Config`] and their own options.

use super::*;

/// A resolved `budget` invocation: the run's config and the budgets.
pub struct BudgetConfig {
    /// Inputs, filters, rates, owners, output.
    pub config: Config,
    /// The budgets file, checked.
    pub budgets: crate::budget::Budgets,
    /// `--as-of`, parsed (in `--tz` for a date).
    pub as_of: Option<crate::time::Timestamp>,
    /// `--fail-over`.
    pub fail_over: bool,
    /// `--fail-forecast`.
    pub fail_forecast: bool,
}

/// A resolved `bill` invocation.
pub struct BillConfig {
    /// Inputs, filters (the month), rates, owners, output; `dims` is
    /// `[by, model]`.
    pub config: Config,
    /// `--month`, as given.
    pub month: String,
    /// `--customers`, checked.
    pub customers: crate::bill::Customers,
    /// `--margin` in millionths of a percent.
    pub margin: Option<i128>,
    /// `--lines model`.
    pub per_model: bool,
}

/// No gates: `budget` and `bill` have their own.
fn no_gates() -> GateArgs {
    GateArgs {
        require: Vec::new(),
        max_unattributed: None,
        basis: crate::gate::Basis::Requests,
        max_malformed: None,
        fail_on_unpriced: false,
    }
}

impl Config {
    /// Resolves the arguments of `budget`.
    pub fn from_budget(mut args: BudgetArgs) -> anyhow::Result<BudgetConfig> {
        crate::settings::get().apply(&mut args.input, &mut args.attribution, None, None);
        let budgets = crate::budget::file::load(&args.budgets)?;
        let tz = parse_tz(&args.filter.tz);
        if tz.is_none() && crate::zone::Zone::parse(&args.filter.tz).is_some() {
            return Err(bad(
                "--tz",
                "budget periods take UTC or a fixed offset (+02:00), not a zone name",
            ));
        }
        let as_of = match (&args.as_of, tz) {
            (Some(t), Some(tz)) => {
                Some(crate::budget::period::parse_as_of(t, tz).ok_or_else(|| {
                    bad(
                        "--as-of",
                        format!("`{t}` is not an RFC 3339 timestamp or a date"),
                    )
                })?)
            }
            _ => None,
        };
        if as_of.is_none() && args.paths.iter().any(|p| p.as_os_str() == "-") {
            return Err(bad(
                "--as-of",
                "needed when reading standard input: without it the input is read twice",
            ));
        }
        let config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output: args.output,
            attribution: args.attribution,
            gates: no_gates(),
        })?;
        Ok(BudgetConfig {
            config,
            budgets,
            as_of,
            fail_over: args.fail_over,
            fail_forecast: args.fail_forecast,
        })
    }

    /// Resolves the arguments of `bill`.
    pub fn from_bill(mut args: BillArgs) -> anyhow::Result<BillConfig> {
        let f = Some(&mut args.filter);
        crate::settings::get().apply(&mut args.input, &mut args.attribution, f, None);
        let Some(month) = args.filter.month.clone() else {
            return Err(bad("--month", "`bill` needs the month to invoice, YYYY-MM"));
        };
        if args.by.is_time() || args.by == Dimension::Model {
            return Err(bad(
                "--by",
                format!(
                    "`{}` cannot be invoiced; use customer, team, project, ...",
                    args.by
                ),
            ));
        }
        let margin = match &args.margin {
            None => None,
            Some(m) => Some(crate::bill::parse_margin(m).map_err(|e| bad("--margin", e))?),
        };
        let customers = match &args.customers {
            None => crate::bill::Customers::default(),
            Some(path) => crate::bill::Customers::load(path)?,
        };
        let by = args.by;
        let per_model = args.lines.is_some();
        let mut config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output: args.output,
            attribution: args.attribution,
            gates: no_gates(),
        })?;
        config.dims = vec![by, Dimension::Model];
        // `last` and `this` are named by the month they are.
        let month = match config.window.since {
            Some(t) if !month.contains('-') => {
                let (y, m, _) = crate::time::civil_from_days(config.zone.local_day(t));
                format!("{y:04}-{m:02}")
            }
            _ => month,
        };
        Ok(BillConfig {
            config,
            month,
            customers,
            margin,
            per_model,
        })
    }
}

impl Config {
    /// Resolves the arguments of `export`: a report's config (its `dims`
    /// are the tags, for the accounting) and the export's own options.
    pub fn from_export(
        mut args: ExportArgs,
    ) -> anyhow::Result<(Config, crate::export::ExportOptions)> {
        crate::settings::get().apply(&mut args.input, &mut args.attribution, None, None);
        let format = args.format;
        let tags = unique_dims("--tags", args.tags)?;
        if let Some(d) = tags.iter().find(|d| d.is_time()) {
            let valid: Vec<&str> = Dimension::ALL
                .iter()
                .filter(|d| !d.is_time())
                .map(|d| d.name())
                .collect();
            return Err(bad(
                "--tags",
                format!(
                    "`{d}` is a period, not a tag; tags are {}",
                    valid.join(", ")
                ),
            ));
        }
        if parse_tz(&args.filter.tz) != Some(0) {
            return Err(bad(
                "--tz",
                "export writes UTC charge periods (FOCUS date/times are UTC); use --period",
            ));
        }
        match args.output.output.as_deref() {
            None if format.is_parquet() => {
                return Err(bad(
                    "--format",
                    format!("{} writes binary Parquet: give -o FILE", format.name()),
                ))
            }
            Some(path) => {
                if let Some(right) = format.contradicted_by(path) {
                    return Err(bad(
                        "-o",
                        format!(
                            "{} does not fit --format {}; for this file use --format {}",
                            path.display(),
                            format.name(),
                            right.name()
                        ),
                    ));
                }
                use std::io::IsTerminal;
                let tty = std::fs::File::open(path).is_ok_and(|f| f.is_terminal());
                if format.is_parquet() && tty {
                    return Err(bad(
                        "-o",
                        format!("{} is a terminal; Parquet is binary", path.display()),
                    ));
                }
            }
            None => {}
        }
        let gates = GateArgs {
            require: vec![Dimension::CostCenter],
            max_unattributed: None,
            basis: crate::gate::Basis::Requests,
            max_malformed: None,
            fail_on_unpriced: false,
        };
        let mut config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output: args.output,
            attribution: args.attribution,
            gates,
        })?;
        config.dims = tags.clone();
        let options = crate::export::ExportOptions {
            format,
            tags,
            period: args.period,
        };
        Ok((config, options))
    }

    /// The owner fields whose distinct values `coverage` collects to find
    /// inconsistent spellings: team, cost_center and the required owner
    /// fields. None for `report` (it does not show them).
    pub fn value_fields(&self) -> Vec<Field> {
        if self.offender_dims.is_empty() {
            return Vec::new();
        }
        let mut out = vec![Field::Team, Field::CostCenter];
        for f in &self.required {
            if crate::enrich::ownership::OWNERS.contains(f) && !out.contains(f) {
                out.push(*f);
            }
        }
        out
    }
}

impl Config {
    /// Resolves the arguments of `normalize` (not `--print-ddl`): a
    /// report's config whose output (a folder or a file) the command opens.
    pub fn from_normalize(args: crate::cli::NormalizeArgs) -> anyhow::Result<Config> {
        let gates = GateArgs {
            require: vec![Dimension::CostCenter],
            max_unattributed: None,
            basis: crate::gate::Basis::Requests,
            max_malformed: None,
            fail_on_unpriced: false,
        };
        let output = OutputArgs {
            output: None,
            quiet: args.quiet,
            accounting: args.accounting,
        };
        let mut config = Config::resolve(Common {
            paths: args.paths,
            filter: args.filter,
            input: args.input,
            output,
            attribution: args.attribution,
            gates,
        })?;
        config.reported_cost = true;
        Ok(config)
    }
}
