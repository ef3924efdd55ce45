//! The charts, drawn with `plotters` to inline SVG: ranked horizontal bars
//! (cost by a dimension with shares, offenders, unpriced requests),
//! cost per day stacked by series, and attributed against unattributed
//! cost. Plotters escapes the text it writes; its coordinates are pixels.
//! Money enters a chart as whole micro-dollars (an integer; bars need no
//! finer grain) and every label is written from exact figures by the
//! caller, so no float reaches a label.

use plotters::backend::SVGBackend;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
pub use plotters::style::RGBColor;

use super::escape;
use crate::money::Money;
use crate::render::summary::thousands;

/// Okabe-Ito, readable for the common kinds of colour blindness; the last
/// is for "other".
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x99, 0x99, 0x99), // grey: other
];

/// The colours of named series, in rank order (vermillion is kept for
/// unattributed cost, grey for "other").
pub const SERIES: [RGBColor; 6] = [
    PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[6],
];
/// "other".
pub const OTHER: RGBColor = PALETTE[7];
/// Attributed cost.
pub const OWNED: RGBColor = PALETTE[0];
/// Unattributed cost.
pub const UNOWNED: RGBColor = PALETTE[5];
/// Unpriced models.
pub const UNPRICED: RGBColor = PALETTE[3];

/// The colour as `#rrggbb`, for the HTML legend.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Micro-dollars of an amount, for bar lengths only.
pub fn micros(m: Money) -> u128 {
    m.0 / 1_000_000
}

fn dollars(micros: i64) -> String {
    format!(
        "${}",
        Money(micros.max(0) as u128 * 1_000_000).to_usd_string(2)
    )
}

fn coord(v: u128) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX / 2)
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Draws with plotters into an SVG string and labels it for people and
/// screen readers: `role="img"`, an `aria-label` and a `<title>`.
fn svg(label: &str, size: (u32, u32), draw: impl FnOnce(&Area<'_>) -> Drawn) -> String {
    let mut buf = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        draw(&root).and_then(|()| root.present().map_err(Into::into))
    };
    if let Err(e) = drawn {
        return format!(
            "<p class=\"note\">chart not drawn: {}</p>",
            escape::text(&e.to_string())
        );
    }
    let label = escape::text(label);
    let body = buf.trim_start_matches("<svg ");
    match body.find('>') {
        Some(end) => format!(
            "<svg role=\"img\" aria-label=\"{label}\" {}><title>{label}</title>{}",
            &body[..end],
            &body[end + 1..]
        ),
        None => buf,
    }
}

fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font())
}

/// One bar of a ranked chart.
pub struct Bar {
    /// The category, as text.
    pub label: String,
    /// Its length: micro-dollars for money, a count otherwise.
    pub value: u128,
    /// The text written at its end (the exact figure and share).
    pub note: String,
}

/// A ranked horizontal bar chart.
pub struct Ranked<'a> {
    /// Title and accessible label.
    pub title: &'a str,
    /// The x axis (the value).
    pub x_desc: &'a str,
    /// The y axis (the categories).
    pub y_desc: &'a str,
    /// Largest first.
    pub bars: &'a [Bar],
    /// Money (micro-dollars) or a count.
    pub money: bool,
    /// One colour, or one per bar (cycled).
    pub colors: &'a [RGBColor],
}

/// Draws a ranked chart.
pub fn ranked(r: &Ranked<'_>) -> String {
    let n = r.bars.len().max(1) as i32;
    let height = 60 + 30 * n as u32 + 60;
    let max = r.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    // Room at the right for the notes.
    let top = coord(max + max * 8 / 10 + 1);
    svg(r.title, (640, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(r.title, font(19))
            .margin(10)
            .x_label_area_size(44)
            .y_label_area_size(215)
            .build_cartesian_2d(0i64..top, (0..n).into_segmented())?;
        let money = r.money;
        let labels: Vec<String> = r.bars.iter().map(|b| short(&b.label, 30)).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_labels(4)
            .y_labels(n as usize + 1)
            .x_desc(r.x_desc)
            .y_desc(r.y_desc)
            .label_style(font(13))
            .axis_desc_style(font(14))
            .x_label_formatter(&|v| {
                if money {
                    dollars(*v)
                } else {
                    thousands((*v).max(0) as u128)
                }
            })
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i >= 0 && *i < n => labels
                    .get((n - 1 - *i) as usize)
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .draw()?;
        chart.draw_series(r.bars.iter().enumerate().map(|(rank, b)| {
            let i = n - 1 - rank as i32;
            let color = r.colors[rank % r.colors.len().max(1)];
            let mut bar = Rectangle::new(
                [
                    (0, SegmentValue::Exact(i)),
                    (coord(b.value), SegmentValue::Exact(i + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(5, 5, 0, 0);
            bar
        }))?;
        let at_left = font(13).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(r.bars.iter().enumerate().map(|(rank, b)| {
            let i = n - 1 - rank as i32;
            Text::new(
                format!(" {}", b.note),
                (coord(b.value), SegmentValue::CenterOf(i)),
                at_left.clone(),
            )
        }))?;
        Ok(())
    })
}

/// A stacked series of the per-day chart.
pub struct Series {
    /// Its name (a value of the dimension, or "other").
    pub name: String,
    /// Micro-dollars per day, in the order of `Stacked::days`.
    pub per_day: Vec<u128>,
    /// Its colour.
    pub color: RGBColor,
}

/// Cost per day, stacked.
pub struct Stacked<'a> {
    /// Title and accessible label.
    pub title: &'a str,
    /// The days, ascending, `YYYY-MM-DD`.
    pub days: &'a [String],
    /// Bottom first.
    pub series: &'a [Series],
}

/// Draws the stacked per-day chart.
pub fn stacked(s: &Stacked<'_>) -> String {
    let n = s.days.len().max(1) as i32;
    let totals: Vec<u128> = (0..s.days.len())
        .map(|d| s.series.iter().map(|x| x.per_day[d]).sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let top = coord(max + max / 10 + 1);
    let every = (s.days.len() / 12).max(1) as i32;
    svg(s.title, (960, 400), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(s.title, font(20))
            .margin(10)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d((0..n).into_segmented(), 0i64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n as usize + 1)
            .y_labels(6)
            .x_desc("day (UTC or --tz)")
            .y_desc("cost (USD)")
            .label_style(font(13))
            .axis_desc_style(font(14))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i >= 0 && *i < n && i % every == 0 => s
                    .days
                    .get(*i as usize)
                    .map(|d| d.get(5..).unwrap_or(d).to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| dollars(*v))
            .draw()?;
        let mut base = vec![0u128; s.days.len()];
        for series in s.series {
            let rects: Vec<Rectangle<(SegmentValue<i32>, i64)>> = series
                .per_day
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0)
                .map(|(d, v)| {
                    let (lo, hi) = (base[d], base[d] + v);
                    base[d] = hi;
                    let mut r = Rectangle::new(
                        [
                            (SegmentValue::Exact(d as i32), coord(lo)),
                            (SegmentValue::Exact(d as i32 + 1), coord(hi)),
                        ],
                        series.color.filled(),
                    );
                    r.set_margin(0, 0, 2, 2);
                    r
                })
                .collect();
            chart.draw_series(rects)?;
        }
        Ok(())
    })
}
