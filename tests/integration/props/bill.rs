//! `bill`: over random logs (customers or none, priced and unpriced
//! models, timestamps around the month, repeated request ids), the exact
//! raw cost of every invoice plus the unbilled cost is the total cost of
//! `report --month`, in pico-dollars; each invoice is the sum of its lines.

use proptest::prelude::*;

use clap::Parser;
use llmspend::cli::{Cli, Command};
use llmspend::commands::report;
use llmspend::config::Config;
use llmspend::money::Money;
use llmspend::report::Totals;

use super::config;

const MODELS: [&str; 4] = [
    "gpt-4o-2024-08-06",
    "claude-sonnet-4-5-20250929",
    "gpt-4o-mini",
    "mystery-model",
];

fn record() -> impl Strategy<Value = String> {
    (
        0..6usize,
        0..MODELS.len(),
        0u64..200_000,
        0u64..20_000,
        0u64..5_000,
        // 2026-09-25 .. 2026-11-05, seconds.
        1_790_294_400i64..1_793_836_800,
        0..40u32,
    )
        .prop_map(|(c, m, input, output, cached, ts, id)| {
            let customer = match c {
                0 => String::new(),
                n => format!(",\"customer\":\"c{n}\""),
            };
            format!(
                "{{\"timestamp\":{ts},\"request_id\":\"q{id}\"{customer},\"model\":\"{}\",\"usage\":{{\"prompt_tokens\":{},\"completion_tokens\":{output},\"prompt_tokens_details\":{{\"cached_tokens\":{cached}}}}}}}",
                MODELS[m],
                input + cached
            )
        })
}

fn parse(args: &[&str]) -> Command {
    Cli::try_parse_from([&["llmspend"], args].concat())
        .expect("valid arguments")
        .command
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn invoices_and_unbilled_add_up_to_the_report(
        records in prop::collection::vec(record(), 1..60),
        margin in -100i32..300,
        per_model in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs.jsonl");
        std::fs::write(&path, records.join("\n") + "\n").unwrap();
        let p = path.to_str().unwrap();
        let margin = margin.to_string();
        let mut bill_args = vec!["bill", p, "--month", "2026-10", "--margin", &margin, "-q"];
        if per_model {
            bill_args.extend(["--lines", "model"]);
        }
        let Command::Bill(args) = parse(&bill_args) else { unreachable!() };
        let bc = Config::from_bill(args).unwrap();
        let report_of_bill = report::build(&bc.config).unwrap();
        let bill = llmspend::bill::invoices(report_of_bill, &bc.month, &bc.customers, bc.margin, bc.per_model);
        let Command::Report(args) = parse(&["report", p, "--month", "2026-10", "-q"]) else { unreachable!() };
        let whole = report::build(&Config::from_args(args).unwrap()).unwrap();
        let mut billed = Money::ZERO;
        for inv in &bill.invoices {
            let mut lines = Totals::default();
            for l in &inv.lines {
                lines.merge(&l.totals);
            }
            prop_assert_eq!(&lines, &inv.totals);
            prop_assert_eq!(inv.amount_cents, inv.lines.iter().map(|l| l.amount_cents).sum::<u128>());
            billed += inv.totals.cost;
        }
        prop_assert_eq!(billed + bill.unbilled.cost, whole.totals.cost);
        // Sorted by customer, then line.
        let keys: Vec<(&str, &str)> = bill.invoices.iter().flat_map(|i| i.lines.iter().map(move |l| (i.customer.as_str(), l.line.as_str()))).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        prop_assert_eq!(keys, sorted);
    }
}
