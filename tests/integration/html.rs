//! `--format html` through the binary: the page is self-contained, its
//! embedded JSON is `--format json`, hostile values stay text; and the
//! real-browser check (tests/browser/check_page.py in headless Chromium)
//! over the samples' page, a hostile-values fixture and the coverage page.
//!
//! The browser test needs Debian's `chromium` and `chromium-driver` and
//! a venv at `target/browser-venv` (from tests/browser/requirements.txt);
//! tools/browser-setup.sh installs both (`.ci/run` runs it, and so does
//! this test when either is missing). A browser still missing fails it;
//! `LLMSPEND_SKIP_BROWSER=1` skips it with a printed reason.
//! `LLMSPEND_SCREENSHOT=1` also writes docs/report.png.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::*;

const HOSTILE: &str = "tests/fixtures/html/hostile.jsonl";

fn page(args: &[&str], dir: &TestDir, name: &str) -> (PathBuf, PathBuf, String) {
    let html = dir.path().join(format!("{name}.html"));
    let json = dir.path().join(format!("{name}.json"));
    let status = llmspend()
        .args(args)
        .args(["--format", "html", "-o"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let out = llmspend()
        .args(args)
        .args(["--format", "json", "-o"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&html).unwrap();
    (html, json, text)
}

/// The text inside `<script type="application/json" id=ID>`.
fn embedded<'a>(page: &'a str, id: &str) -> &'a str {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let start = page.find(&open).expect("embedded JSON") + open.len();
    let end = page[start..].find("</script>").unwrap() + start;
    &page[start..end]
}

#[test]
fn samples_page_is_self_contained_small_and_embeds_the_json() {
    let dir = TestDir::new();
    let (_, json, text) = page(&["report", "samples/"], &dir, "samples");
    assert!(text.len() < 1_000_000, "{} bytes", text.len());
    let head = &text[..1024];
    assert!(head.contains("<meta charset=\"utf-8\">"), "{head}");
    assert!(head.contains("Content-Security-Policy"), "{head}");
    assert!(head.contains("default-src 'none'"));
    for bad in [
        "src=\"",
        "@import",
        "url(",
        "@font-face",
        "http-equiv=\"refresh\"",
    ] {
        assert!(!text.contains(bad), "{bad} in the page");
    }
    // Every href is the empty data: favicon or the SVG namespace-free.
    assert_eq!(text.matches("href=").count(), 1);
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let got: serde_json::Value = serde_json::from_str(embedded(&text, "llmspend-report")).unwrap();
    assert_eq!(got, want);
    assert!(text.matches("<svg role=\"img\" aria-label=").count() >= 4);
    for label in [
        "Cost by team",
        "Cost per day by team",
        "Attributed vs unattributed cost by team and cost_center",
        "Unpriced models",
    ] {
        assert!(text.contains(&format!("aria-label=\"{label}")), "{label}");
    }
    assert!(text.contains("lines: 1,701 read = 1,691 parsed + 0 filtered"));
}

#[test]
fn hostile_values_are_text_everywhere() {
    let dir = TestDir::new();
    let (_, json, text) = page(&["report", HOSTILE], &dir, "hostile");
    assert!(!text.contains("<img"));
    assert!(!text.contains("<svg onload"));
    assert!(!text.contains("<model"));
    assert!(text.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Only our own script element, once, and no comment opener from data.
    assert_eq!(text.matches("<script").count(), 1);
    assert_eq!(text.matches("</script>").count(), 1);
    assert!(!text.contains("<!--"));
    let raw = embedded(&text, "llmspend-report");
    assert!(!raw.contains('<') && !raw.contains('>'));
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(raw).unwrap(),
        want
    );
}

#[test]
fn coverage_page_embeds_the_coverage_json() {
    let dir = TestDir::new();
    let (_, json, text) = page(
        &["coverage", "samples/", "--require", "team,cost_center"],
        &dir,
        "cov",
    );
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let got: serde_json::Value =
        serde_json::from_str(embedded(&text, "llmspend-coverage")).unwrap();
    assert_eq!(got, want);
    assert!(text.contains("aria-label=\"Who sends cost with no cost_center\""));
    assert!(text.contains("<table class=\"offenders\">"));
}

/// The venv's Python, or `None` with why.
fn browser() -> Result<PathBuf, String> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-venv/bin/python");
    if !python.exists() {
        return Err(format!("{} is missing (run .ci/run, or python3 -m venv target/browser-venv && target/browser-venv/bin/pip install -r tests/browser/requirements.txt)", python.display()));
    }
    for bin in ["chromium", "chromedriver"] {
        let found = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).any(|d| d.join(bin).exists()))
            .unwrap_or(false);
        if !found {
            return Err(format!(
                "`{bin}` is not on PATH (apt-get install chromium chromium-driver)"
            ));
        }
    }
    Ok(python)
}

fn check(python: &Path, html: &Path, json: &Path, id: &str, extra: &[&str]) {
    let out = Command::new(python)
        .arg("tests/browser/check_page.py")
        .arg(html)
        .arg(json)
        .arg(id)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "browser check failed on {}:\n{}\n{}",
        html.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{}", String::from_utf8_lossy(&out.stdout).trim());
}

#[test]
fn pages_load_in_headless_chromium() {
    if std::env::var_os("LLMSPEND_SKIP_BROWSER").is_some_and(|v| v == "1") {
        println!("skipped: LLMSPEND_SKIP_BROWSER=1 (the headless Chromium check of the HTML report did not run)");
        return;
    }
    if browser().is_err() {
        // Install what is missing (as .ci/run does), so `cargo test` works on
        // a fresh machine; a failure shows up as the error below.
        let setup = Command::new("tools/browser-setup.sh").status();
        println!("ran tools/browser-setup.sh: {setup:?}");
    }
    let python = match browser() {
        Ok(p) => p,
        Err(why) => panic!(
            "the browser test cannot run: {why}; set LLMSPEND_SKIP_BROWSER=1 to skip it locally"
        ),
    };
    let dir = TestDir::new();
    let (html, json, _) = page(&["report", "samples/"], &dir, "samples");
    let mut extra = vec!["--min-charts", "4", "--text", "Cost per day by team"];
    let shot = std::env::var_os("LLMSPEND_SCREENSHOT").is_some_and(|v| v == "1");
    if shot {
        extra.extend(["--screenshot", "docs/report.png"]);
    }
    check(&python, &html, &json, "llmspend-report", &extra);

    let (html, json, _) = page(
        &["report", HOSTILE, "--by", "team,service"],
        &dir,
        "hostile",
    );
    check(
        &python,
        &html,
        &json,
        "llmspend-report",
        &[
            "--min-charts",
            "4",
            "--text",
            "<img src=x onerror=alert(1)>",
            "--text",
            "<!--",
            "--text",
            "</script><script>alert(2)</script>",
        ],
    );

    let (html, json, _) = page(
        &["coverage", HOSTILE, "--require", "team,cost_center"],
        &dir,
        "hostile-coverage",
    );
    check(
        &python,
        &html,
        &json,
        "llmspend-coverage",
        &["--min-charts", "4"],
    );

    // Logs of other formats, which no page was designed against.
    let (html, json, _) = page(
        &["report", "tests/fixtures/litellm", "--by", "model,team"],
        &dir,
        "litellm",
    );
    check(
        &python,
        &html,
        &json,
        "llmspend-report",
        &["--min-charts", "3"],
    );
}
