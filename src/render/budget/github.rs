//! `budget --format github`: one GitHub Actions annotation per budget that
//! needs attention (`::error` for over, `::warning` for forecast-over and
//! warn), then a notice with the as-of time. Text from files and logs is
//! escaped as the workflow commands require.

use std::io::{self, Write};

use super::figures::{Figures, View};
use crate::budget::eval::Status;
use crate::budget::period::format_instant;

/// Escapes a workflow command's message (`%`, CR, LF).
fn escape(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub(super) fn render(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    for l in &view.eval.lines {
        let level = match l.status {
            Status::Over => "error",
            Status::ForecastOver | Status::Warn => "warning",
            Status::Ok => continue,
        };
        let f = Figures::of(l, view.tz_offset, 2);
        let share = f.share.map_or("n/a".to_string(), |s| format!("{s}%"));
        let forecast = f.forecast.map_or("n/a".to_string(), |s| format!("${s}"));
        let message = format!(
            "{} {}: spent ${} of ${} ({share}), forecast {forecast} by {}",
            l.budget.key(),
            f.period,
            f.spent,
            f.amount,
            f.period_end,
        );
        writeln!(
            out,
            "::{level} title=budget {}::{}",
            f.status,
            escape(&crate::render::sanitize::terminal(&message))
        )?;
    }
    let over = view
        .eval
        .lines
        .iter()
        .filter(|l| l.status == Status::Over)
        .count();
    writeln!(
        out,
        "::notice title=budgets::{} budgets as of {}, {over} over",
        view.eval.lines.len(),
        format_instant(view.eval.as_of, view.tz_offset)
    )
}
