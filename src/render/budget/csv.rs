//! `budget --format csv`: one row per budget in display order, the JSON's
//! columns; a null (the `*` value, a forecast or share that does not
//! exist, no parent, no roll-up) is an empty cell; money has six decimals.

use std::io::{self, Write};

use super::figures::{Figures, View, COLUMNS};
use crate::render::sanitize::csv_cell;

pub(super) fn render(view: &View<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(COLUMNS)?;
    for l in &view.eval.lines {
        let f = Figures::of(l, view.tz_offset, 6);
        let opt = |v: &Option<String>| v.as_deref().map(csv_cell).unwrap_or_default().into_owned();
        w.write_record([
            f.scope.to_string(),
            opt(&f.value),
            f.period.to_string(),
            f.period_start,
            f.period_end,
            f.amount,
            f.spent,
            f.forecast.unwrap_or_default(),
            f.remaining,
            f.share.unwrap_or_default(),
            f.status.to_string(),
            opt(&f.parent),
            f.children_spent.unwrap_or_default(),
            f.children_forecast.unwrap_or_default(),
        ])?;
    }
    w.flush()
}
