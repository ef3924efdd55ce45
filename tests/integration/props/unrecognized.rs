//! A file no source recognises changes no number (issue 16, item 2): for
//! any folder of gateway files plus one unrecognised file, the report
//! equals the run without it, and the file is named in the accounting.

use proptest::prelude::*;

use llmspend::dimension::Dimension;
use llmspend::filter::Window;
use llmspend::input::discover;
use llmspend::pipeline::{self, ReadOptions};
use llmspend::render::ReportFormat;
use llmspend::report::Report;

use super::chunking::line;
use super::{card, config, plan};

/// Unrecognised files: a CSV of some other table, text, and a `.log` of
/// JSON arrays (no object line, so no source claims it), and JSON Lines
/// of other data (objects with no model or token count anywhere).
const ODD: [(&str, &str); 6] = [
    (
        "finance_notes.csv",
        "date,amount,memo\n2026-10-01,12.50,lunch\n",
    ),
    ("people.csv", "name,email\nann,ann@example.com\n"),
    ("notes.log", "hello\nnot a log\n"),
    ("arrays.log", "[1,2]\n[3]\n"),
    (
        "ledger.jsonl",
        "{\"date\":\"2026-10-01\",\"amount\":12.5,\"memo\":\"x\"}\n{\"date\":\"2026-10-02\",\"amount\":3}\n",
    ),
    (
        "app_events.jsonl",
        "{\"ts\":\"2026-10-01T00:00:00Z\",\"event\":\"login\",\"user\":\"ann\",\"team\":\"search\"}\n\n{\"ts\":1790000000,\"event\":\"click\",\"metadata\":{\"page\":\"home\"}}\n",
    ),
];

fn report_of(dir: &std::path::Path, threads: usize) -> Report {
    let card = card();
    let plan = plan(
        &card,
        vec![Dimension::Team, Dimension::Model],
        Window::default(),
        1 << 20,
    );
    let (inputs, problems) = discover(&[dir.to_path_buf()]);
    assert!(problems.is_empty(), "{problems:?}");
    let options = ReadOptions {
        threads,
        ..ReadOptions::default()
    };
    pipeline::tally(&inputs, &plan, &options).unwrap().finish()
}

fn json(r: &Report) -> serde_json::Value {
    let mut out = Vec::new();
    ReportFormat::Json
        .renderer()
        .unwrap()
        .render(r, &mut out)
        .unwrap();
    serde_json::from_slice(&out).unwrap()
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn an_unrecognised_file_changes_no_number_and_is_named(
        files in proptest::collection::vec(
            proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), 0u32..200_000, any::<u8>()), 0..40),
            0..5,
        ),
        odd in 0usize..ODD.len(),
        threads in 1usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (i, lines) in files.iter().enumerate() {
            let text: String = lines
                .iter()
                .map(|&(k, t, m, n, d)| line(k, t, m, n, d) + "\n")
                .collect();
            std::fs::write(dir.path().join(format!("gw{i}.jsonl")), text).unwrap();
        }
        let without = (!files.is_empty()).then(|| json(&report_of(dir.path(), threads)));
        let (name, text) = ODD[odd];
        std::fs::write(dir.path().join(name), text).unwrap();
        let with = report_of(dir.path(), threads);
        let named: Vec<&str> = with
            .accounting
            .unrecognized
            .iter()
            .map(|u| u.path.as_str())
            .collect();
        prop_assert_eq!(named.len(), 1);
        prop_assert!(named[0].ends_with(name), "{:?}", named);
        prop_assert!(with.accounting.unreadable.is_empty());
        let mut with = json(&with);
        with["accounting"]["unrecognized_files"] = serde_json::json!([]);
        if let Some(without) = without {
            prop_assert_eq!(with, without);
        }
    }
}
