//! `llmspend export`: what focus-validator does not check (docs/focus.md,
//! "Validation"): cost = price x quantity exactly on every row, `Z` times,
//! `x_` prefixes, allowed values on every row; the sums against `report`;
//! byte-identical output for any threads and file order; Parquet = CSV;
//! unpriced models on stderr; bad input.

use std::collections::BTreeMap;
use std::path::Path;

use super::util::{csv_rows, json, llmspend, run, stdout_ok, TestDir};

const LOGS: &str = "tests/fixtures/focus";
const RATES: &str = "tests/focus/card.csv";

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![LOGS, "--rates", RATES, "--month", "2026-10", "-q"];
    a.extend(extra);
    a
}

fn export(extra: &[&str]) -> String {
    let mut a = vec!["export"];
    a.extend(args(extra));
    stdout_ok(llmspend().args(a))
}

/// A plain decimal as an integer count of 1e-18.
fn at18(text: &str) -> i128 {
    assert!(
        !text.contains(['e', 'E', ',', '+', '-']),
        "not a plain decimal: {text}"
    );
    let (whole, frac) = text.split_once('.').expect("a fractional part");
    assert!(!frac.is_empty() && frac.len() <= 18, "{text}");
    let frac = format!("{frac:0<18}");
    whole.parse::<i128>().unwrap() * 10i128.pow(18) + frac.parse::<i128>().unwrap()
}

/// Rows as maps from column to value, and the header.
fn table(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let rows = csv_rows(text);
    let header = rows[0].clone();
    let maps = rows[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect();
    (header, maps)
}

/// Pico-dollars rounded half-even to 6 decimals, as text.
fn usd6(total: i128) -> String {
    let unit = 10i128.pow(6);
    let (q, r) = (total / unit, total % unit);
    let q = if r > unit / 2 || (r == unit / 2 && q % 2 == 1) {
        q + 1
    } else {
        q
    };
    format!("{}.{:06}", q / 1_000_000, q % 1_000_000)
}

fn is_utc(t: &str) -> bool {
    let b = t.as_bytes();
    t.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
}

#[test]
fn every_row_is_exact_utc_prefixed_and_allowed() {
    let (header, rows) = table(&export(&[]));
    assert!(rows.len() > 10);
    let first_x = header.iter().position(|h| h.starts_with("x_")).unwrap();
    assert!(header[first_x..].iter().all(|h| h.starts_with("x_")));
    let mut focus = header[..first_x].to_vec();
    focus.sort();
    assert_eq!(focus, header[..first_x], "FOCUS columns alphabetically");
    for r in &rows {
        let cost = at18(&r["BilledCost"]);
        for c in [
            "EffectiveCost",
            "ListCost",
            "ContractedCost",
            "PricingCurrencyEffectiveCost",
        ] {
            assert_eq!(at18(&r[c]), cost, "{c} {r:?}");
        }
        let price = at18(&r["ListUnitPrice"]);
        let qty = at18(&r["PricingQuantity"]);
        assert_eq!(
            price * qty,
            cost * 10i128.pow(18),
            "cost = price x quantity: {r:?}"
        );
        assert_eq!(at18(&r["ConsumedQuantity"]), qty * 1_000_000);
        assert!(qty > 0, "no zero-token row");
        for c in [
            "ContractedUnitPrice",
            "PricingCurrencyListUnitPrice",
            "PricingCurrencyContractedUnitPrice",
        ] {
            assert_eq!(at18(&r[c]), price, "{c}");
        }
        for c in [
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "BillingPeriodStart",
            "BillingPeriodEnd",
        ] {
            assert!(is_utc(&r[c]), "{c}: {}", r[c]);
        }
        assert!(r["BillingPeriodStart"].ends_with("-01T00:00:00Z"));
        assert!(r["BillingPeriodStart"] <= r["ChargePeriodStart"]);
        assert!(r["ChargePeriodEnd"] <= r["BillingPeriodEnd"]);
        let allowed: [(&str, &[&str]); 12] = [
            ("ChargeCategory", &["Usage"]),
            ("ChargeClass", &[""]),
            ("ChargeFrequency", &["Usage-Based"]),
            ("ServiceCategory", &["AI and Machine Learning"]),
            ("ServiceSubcategory", &["Generative AI"]),
            ("PricingCategory", &["Standard"]),
            ("PricingUnit", &["1000000 Tokens"]),
            ("ConsumedUnit", &["Tokens"]),
            ("BillingCurrency", &["USD"]),
            ("PricingCurrency", &["USD"]),
            ("InvoiceId", &[""]),
            ("CommitmentDiscountStatus", &[""]),
        ];
        for (c, ok) in allowed {
            assert!(ok.contains(&r[c].as_str()), "{c}: {}", r[c]);
        }
        let meters = [
            "Input Tokens",
            "Output Tokens",
            "Cache Read Tokens",
            "Cache Write Tokens",
            "Cache Write Tokens (1h)",
        ];
        assert!(meters.contains(&r["SkuMeter"].as_str()));
        assert!(r["SkuPriceId"].starts_with(&r["SkuId"]));
        assert_eq!(r["ProviderName"], r["InvoiceIssuerName"]);
        assert_eq!(r["SubAccountId"], r["SubAccountName"]);
        for c in ["Tags", "SkuPriceDetails"] {
            if !r[c].is_empty() {
                let v = json(&r[c]);
                assert!(v.as_object().is_some_and(|o| !o.is_empty()), "{c}");
            }
        }
    }
}

#[test]
fn sums_equal_the_report_total_and_per_tag() {
    let (_, rows) = table(&export(&[]));
    let total: i128 = rows
        .iter()
        .map(|r| at18(&r["BilledCost"]) / 1_000_000)
        .sum();
    let report = json(&stdout_ok(
        llmspend().args(["report"].into_iter().chain(args(&["--format", "json"]))),
    ));
    assert_eq!(usd6(total), report["totals"]["cost_usd"].as_str().unwrap());
    for dim in ["team", "cost_center"] {
        let mut by: BTreeMap<String, i128> = BTreeMap::new();
        for r in &rows {
            let key = if r["Tags"].is_empty() {
                None
            } else {
                json(&r["Tags"])[dim].as_str().map(str::to_string)
            };
            *by.entry(key.unwrap_or_else(|| "(unattributed)".into()))
                .or_default() += at18(&r["BilledCost"]) / 1_000_000;
        }
        let csv = stdout_ok(
            llmspend().args(
                ["report"]
                    .into_iter()
                    .chain(args(&["--format", "csv", "--by", dim])),
            ),
        );
        let (_, groups) = table(&csv);
        let mut want: BTreeMap<String, String> = BTreeMap::new();
        for g in groups {
            // Unpriced groups have no FOCUS row.
            if g["cost_usd"] != "0.000000" {
                let v = g[dim].trim_start_matches('\'').to_string();
                want.insert(v, g["cost_usd"].clone());
            }
        }
        let got: BTreeMap<String, String> = by.into_iter().map(|(k, v)| (k, usd6(v))).collect();
        assert_eq!(got, want, "--by {dim}");
    }
}

#[test]
fn the_fixture_has_tiers_price_changes_cache_types_and_unpriced_models() {
    let (_, rows) = table(&export(&[]));
    let ids: Vec<&str> = rows.iter().map(|r| r["SkuPriceId"].as_str()).collect();
    assert!(ids.iter().any(|i| i.ends_with("/above-200000")));
    assert!(ids.iter().any(|i| i.contains("/from-2026-10-15")));
    assert!(ids
        .iter()
        .any(|i| i.ends_with("cache_write_1h/standard/above-200000")));
    assert!(ids.iter().any(|i| i.ends_with("/batch")));
    // The same model, day and token type at two rate-card rows.
    let day1: Vec<_> = rows
        .iter()
        .filter(|r| {
            r["ChargePeriodStart"] == "2026-10-01T00:00:00Z"
                && r["x_TokenType"] == "input"
                && r["x_Provider"] == "anthropic"
        })
        .collect();
    assert_eq!(day1.len(), 2);
    assert!(rows.iter().all(|r| r["x_Model"] != "mystery-model-1"));
    let bedrock = rows.iter().find(|r| r["x_Provider"] == "bedrock").unwrap();
    assert_eq!(bedrock["ProviderName"], "Amazon Web Services");
    assert_eq!(bedrock["ServiceName"], "Amazon Bedrock");
    assert_eq!(bedrock["PublisherName"], "Anthropic");
    // Values as read: no formula guard inside the JSON.
    assert!(rows
        .iter()
        .any(|r| r["Tags"].contains(r#""team":"=HYPERLINK(\"x\")""#)));
    // Rows without team or cost_center keep their cost, without the key.
    assert!(rows
        .iter()
        .any(|r| r["Tags"] == r#"{"service":"nightly-digest"}"#));
    assert!(rows.iter().any(|r| r["Tags"].is_empty()));
    let mut a = vec!["export"];
    a.extend(args(&[]));
    let out = run(llmspend().args(a), 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mystery-model-1 (1 request, 1,110 tokens)"),
        "{err}"
    );
    assert!(err.contains("unattributed:"), "{err}");
    assert!(
        err.contains("FOCUS 1.2 charge rows to standard output"),
        "{err}"
    );
}

#[test]
fn rows_are_sorted_and_byte_identical_for_any_threads_and_file_order() {
    let dir = TestDir::new();
    let text = std::fs::read_to_string(Path::new(LOGS).join("gateway.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = lines.split_at(lines.len() / 2);
    // Two files whose names sort the other way round from their content.
    dir.create("b.jsonl", a.join("\n") + "\n");
    dir.create("a.jsonl", b.join("\n") + "\n");
    let base = export(&["--threads", "1"]);
    for threads in ["1", "2", "4"] {
        for chunk in ["64", "4194304"] {
            let got = stdout_ok(llmspend().args([
                "export",
                dir.path().to_str().unwrap(),
                "--rates",
                RATES,
                "--month",
                "2026-10",
                "-q",
                "--threads",
                threads,
                "--chunk-bytes",
                chunk,
            ]));
            assert_eq!(got, base, "threads {threads} chunk {chunk}");
        }
    }
    let (_, rows) = table(&base);
    let key = |r: &BTreeMap<String, String>| {
        [
            "ChargePeriodStart",
            "x_Provider",
            "x_Model",
            "SkuPriceId",
            "SubAccountId",
            "Tags",
        ]
        .map(|c| r[c].clone())
    };
    assert!(rows.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
}

#[test]
fn periods_hour_and_month_change_only_the_charge_period() {
    let day = table(&export(&[])).1;
    let month = table(&export(&["--period", "month"])).1;
    let hour = table(&export(&["--period", "hour"])).1;
    let sum = |rows: &[BTreeMap<String, String>]| -> i128 {
        rows.iter().map(|r| at18(&r["BilledCost"])).sum()
    };
    assert_eq!(sum(&day), sum(&month));
    assert_eq!(sum(&day), sum(&hour));
    assert!(month
        .iter()
        .all(|r| r["ChargePeriodStart"] == "2026-10-01T00:00:00Z"
            && r["ChargePeriodEnd"] == "2026-11-01T00:00:00Z"));
    assert!(hour
        .iter()
        .any(|r| r["ChargePeriodStart"] == "2026-10-01T08:00:00Z"
            && r["ChargePeriodEnd"] == "2026-10-01T09:00:00Z"));
    assert!(month.len() < day.len() && day.len() < hour.len());
}

#[test]
fn the_parquet_holds_the_same_charges_as_the_csv() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let dir = TestDir::new();
    let file = dir.path().join("x.focus.parquet");
    let mut a = vec!["export"];
    a.extend(args(&[
        "--format",
        "focus-parquet",
        "-o",
        file.to_str().unwrap(),
    ]));
    run(llmspend().args(a), 0);
    let (header, rows) = table(&export(&[]));
    let reader = SerializedFileReader::new(std::fs::File::open(&file).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr();
    let names: Vec<String> = schema
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(names, header);
    let mut n = 0;
    for (row, want) in reader.get_row_iter(None).unwrap().zip(&rows) {
        n += 1;
        for (name, field) in row.unwrap().get_column_iter() {
            let csv = &want[name.as_str()];
            match field {
                Field::Null => assert_eq!(csv, "", "{name}"),
                Field::Str(s) => assert_eq!(s, csv, "{name}"),
                Field::Decimal(d) => {
                    assert_eq!((d.precision(), d.scale()), (38, 18), "{name}");
                    let v = i128::from_be_bytes(d.data().try_into().unwrap());
                    assert_eq!(v, at18(csv), "{name}");
                }
                Field::TimestampMicros(us) => {
                    let secs = us / 1_000_000;
                    let csv_secs = chrono_like(csv);
                    assert_eq!(secs, csv_secs, "{name}");
                }
                other => panic!("{name}: unexpected {other:?}"),
            }
        }
    }
    assert_eq!(n, rows.len());
}

/// Seconds of a `YYYY-MM-DDTHH:MM:SSZ` instant.
fn chrono_like(t: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| t[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

#[test]
fn no_priced_usage_gives_a_header_and_the_accounting() {
    let dir = TestDir::new();
    let log = dir.create("x.jsonl", "{\"timestamp\":\"2026-10-01T00:00:00Z\",\"model\":\"mystery-model-1\",\"provider\":\"acme\",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}\n");
    let out = run(llmspend().args(["export", "-q"]).arg(&log), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("BilledCost,"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mystery-model-1"));
    let pq = dir.path().join("e.parquet");
    run(
        llmspend()
            .args(["export", "-q", "--format", "focus-parquet", "-o"])
            .arg(&pq)
            .arg(&log),
        0,
    );
    assert!(std::fs::read(&pq).unwrap().starts_with(b"PAR1"));
}

#[test]
fn bad_input_is_a_usage_error() {
    let dir = TestDir::new();
    let cases: [(&[&str], &str); 6] = [
        (&["--format", "focus-parquet"], "give -o"),
        (&["--format", "parquet"], "give -o"),
        (
            &["--format", "focus", "-o", "x.parquet"],
            "use --format focus-parquet",
        ),
        (&["--format", "parquet", "-o", "x.csv"], "use --format csv"),
        (&["--tags", "team,colour"], "team"),
        (&["--tags", "day"], "is a period"),
    ];
    for (extra, msg) in cases {
        let out = run(
            llmspend()
                .current_dir(dir.path())
                .args(["export", "-q"])
                .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(LOGS))
                .args(extra),
            2,
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(msg), "{extra:?}: {err}");
    }
    let out = run(llmspend().args(["export", LOGS, "--period", "week"]), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("hour"));
    let out = run(
        llmspend().args(["export", LOGS, "-o", "/nonexistent-dir/x.csv"]),
        2,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-dir/x.csv"));
    // A failed run leaves no file under the final name.
    let target = dir.path().join("out.focus.csv");
    run(
        llmspend()
            .args(["export", "-q", "/nonexistent-input", "-o"])
            .arg(&target),
        2,
    );
    assert!(!target.exists());
}

#[test]
fn records_export_one_row_per_priced_usage_record() {
    let text = export(&["--format", "csv"]);
    let (header, rows) = table(&text);
    assert_eq!(header[0], "timestamp");
    assert_eq!(header.last().unwrap(), "cost_usd");
    // 13 parsed records (a duplicate dropped, November filtered).
    assert_eq!(rows.len(), 13);
    let total: i128 = rows
        .iter()
        .filter(|r| !r["cost_usd"].is_empty())
        .map(|r| at18(&r["cost_usd"]) / 1_000_000)
        .sum();
    let (_, focus) = table(&export(&[]));
    let focus_total: i128 = focus
        .iter()
        .map(|r| at18(&r["BilledCost"]) / 1_000_000)
        .sum();
    assert_eq!(total, focus_total);
    assert!(rows
        .iter()
        .any(|r| r["model"] == "mystery-model-1" && r["cost_usd"].is_empty()));
    assert!(rows.iter().all(|r| is_utc(&r["timestamp"])));
    let dir = TestDir::new();
    let pq = dir.path().join("r.parquet");
    let mut a = vec!["export"];
    a.extend(args(&["--format", "parquet", "-o", pq.to_str().unwrap()]));
    run(llmspend().args(a), 0);
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(&pq).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 13);
}
