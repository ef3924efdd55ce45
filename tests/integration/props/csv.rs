//! CSV: any mix of valid, ragged, quoted and multi-line rows, with or
//! without a BOM, at any chunk size, equals the sequential reference.

use proptest::prelude::*;

use super::{check, config, run, Expected, MAX_LINE};

/// A generated CSV row (after the header).
#[derive(Debug, Clone)]
enum Row {
    /// A record; `team` is the cell as written and `value` as read.
    Valid {
        cell: &'static str,
        value: Option<&'static str>,
        input: u64,
        output: u64,
    },
    /// An empty line or whitespace (blank), or NULs (malformed).
    Blank(&'static str),
    /// Too few or too many cells.
    Ragged(&'static str),
    /// A negative count.
    Negative,
    /// A quoted cell longer than the limit.
    TooLong(usize),
}

const TEAM_CELLS: &[(&str, Option<&str>)] = &[
    ("team-1", Some("team-1")),
    ("", None),
    ("\"team \"\"q\"\" 2\"", Some("team \"q\" 2")),
    ("\"multi\nline\"", Some("multi\nline")),
    ("\"a,b\"", Some("a,b")),
    ("O\"Brien", Some("O\"Brien")),
    ("\"x\n\ny\"", Some("x\n\ny")),
];

fn row() -> impl Strategy<Value = Row> {
    prop_oneof![
        6 => (prop::sample::select(TEAM_CELLS), any::<u64>(), 0u64..1000)
            .prop_map(|((cell, value), input, output)| Row::Valid { cell, value, input, output }),
        1 => prop::sample::select(vec!["", "  ", "\0\0"]).prop_map(Row::Blank),
        1 => prop::sample::select(vec![
            "2026-10-03T09:14:02Z,team-1,gpt-4o",
            "2026-10-03T09:14:02Z,team-1,gpt-4o,1,1,extra",
            ",",
            // A BOM inside the file is data (a row of one cell), in any chunk.
            "\u{feff}",
        ]).prop_map(Row::Ragged),
        1 => Just(Row::Negative),
        1 => (1usize..50).prop_map(Row::TooLong),
    ]
}

impl Row {
    fn text(&self) -> String {
        match self {
            Row::Valid {
                cell,
                input,
                output,
                ..
            } => format!("2026-10-03T09:14:02Z,{cell},gpt-4o,{input},{output}"),
            Row::Blank(s) | Row::Ragged(s) => s.to_string(),
            Row::Negative => "2026-10-03T09:14:02Z,team-1,gpt-4o,-1,0".into(),
            Row::TooLong(n) => format!(
                "2026-10-03T09:14:02Z,\"{}\",gpt-4o,1,1",
                "p".repeat(MAX_LINE + n)
            ),
        }
    }
}

fn expected_csv(rows: &[Row]) -> Expected {
    let mut e = Expected {
        lines: 1,
        ignored: 1,
        ..Expected::default()
    };
    let mut at = 2u64;
    for r in rows {
        e.lines += 1;
        let mut bad = |reason: &str| {
            e.malformed += 1;
            e.reasons.entry(reason.to_string()).or_default().push(at);
        };
        match r {
            Row::Valid {
                value,
                input,
                output,
                ..
            } => {
                e.parsed += 1;
                let t = e.teams.entry(value.map(str::to_string)).or_default();
                t.0 += 1;
                t.1 += u128::from(*input);
                t.2 += u128::from(*output);
            }
            Row::Blank(text) if text.contains('\0') => bad("NUL bytes (file cut short?)"),
            Row::Blank(_) => e.blank += 1,
            Row::Ragged(_) => bad("unreadable CSV row"),
            Row::Negative => bad("invalid count in `input_tokens`: negative"),
            Row::TooLong(_) => bad("line longer than --max-line-bytes"),
        }
        at += 1 + r.text().matches('\n').count() as u64;
    }
    e
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn any_csv_mix_any_chunking_matches_the_sequential_reference(
        rows in prop::collection::vec(row(), 0..40),
        eol in prop::sample::select(vec!["\n", "\r\n", "\r\r\n"]),
        final_newline in any::<bool>(),
        bom in any::<bool>(),
        chunk_bytes in 1usize..300,
        threads in 1usize..4,
    ) {
        let mut text = String::from(if bom { "\u{feff}" } else { "" });
        text.push_str("timestamp,team,model,input_tokens,output_tokens");
        for r in &rows {
            text.push_str(eol);
            text.push_str(&r.text());
        }
        if final_newline {
            text.push_str(eol);
        }
        let counted = if !final_newline && matches!(rows.last(), Some(Row::Blank(""))) {
            &rows[..rows.len() - 1]
        } else {
            &rows[..]
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mix.csv");
        std::fs::write(&path, &text).unwrap();
        let e = expected_csv(counted);
        check(&run(&path, chunk_bytes, threads), &e)?;
        check(&run(&path, usize::MAX, 1), &e)?;
    }
}
