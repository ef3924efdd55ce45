#!/usr/bin/env python3
"""Loads an llmspend HTML page in real headless Chromium and checks it.

Usage: check_page.py PAGE.html JSON_FILE EMBED_ID [--min-charts N]
       [--text TEXT]... [--screenshot OUT.png] [--width PX] [--shot-height PX]

Checks, failing with exit 1 and a message on the first that does not hold:
  - no console error and no JavaScript error;
  - no network request (the performance log holds only the page itself);
  - at least N charts (figure svg) with a non-zero rendered size;
  - the embedded <script type="application/json" id=EMBED_ID> parses to the
    same value as JSON_FILE (the --format json output);
  - no element came from the data: no img, iframe, object, embed, link
    other than the data: favicon, no script but the embedded JSON, no on*
    attribute anywhere, and no alert fired (window.alert is replaced
    before the page loads to record calls);
  - each --text appears in the page's visible text (hostile values shown
    as text).
Tests call it through tests/integration/browser.rs.
"""

import argparse
import json
import pathlib
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("json_file")
    ap.add_argument("embed_id")
    ap.add_argument("--min-charts", type=int, default=4)
    ap.add_argument("--text", action="append", default=[])
    ap.add_argument("--screenshot")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--shot-height", type=int, default=1350)
    a = ap.parse_args()

    profile = tempfile.mkdtemp(prefix="llmspend-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for f in FLAGS:
        opts.add_argument(f)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={a.width},900")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    try:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": "window.__alerts=[];window.alert=function(m){window.__alerts.push(String(m))};"
                       "window.confirm=window.alert;window.prompt=window.alert;"},
        )
        url = pathlib.Path(a.page).resolve().as_uri()
        # The new-tab page loads its own chrome:// resources at start: drop
        # those entries, so what is left belongs to our page.
        driver.get("about:blank")
        driver.get_log("performance")
        driver.get_log("browser")
        driver.get(url)
        try:
            text = driver.switch_to.alert.text
            fail(f"an alert fired: {text!r}")
        except NoAlertPresentException:
            pass
        alerts = driver.execute_script("return window.__alerts")
        if alerts:
            fail(f"alert called: {alerts}")

        errors = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]
        if errors:
            fail(f"console errors: {errors}")

        requests = []
        for entry in driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") == "Network.requestWillBeSent":
                u = msg["params"]["request"]["url"]
                if u not in (url, "about:blank") and not u.startswith("data:"):
                    requests.append(u)
        if requests:
            fail(f"network requests: {requests}")

        sizes = driver.execute_script(
            "return Array.from(document.querySelectorAll('figure svg')).map(s => {"
            "const r = s.getBoundingClientRect(); return [s.getAttribute('aria-label'), r.width, r.height];})"
        )
        drawn = [s for s in sizes if s[1] > 0 and s[2] > 0]
        if len(drawn) < a.min_charts:
            fail(f"{len(drawn)} charts drawn, want at least {a.min_charts}: {sizes}")
        for label, _, _ in sizes:
            if not label:
                fail("a chart without an aria-label")

        embedded = driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", a.embed_id
        )
        if embedded is None:
            fail(f"no script#{a.embed_id}")
        want = json.loads(pathlib.Path(a.json_file).read_text(encoding="utf-8"))
        if json.loads(embedded) != want:
            fail("the embedded JSON differs from --format json")

        bad = driver.execute_script(
            """
            const out = [];
            for (const el of document.querySelectorAll('*')) {
              const tag = el.tagName.toLowerCase();
              if (['img','iframe','object','embed','frame','video','audio','form','input','base','meta'].includes(tag)
                  && !(tag === 'meta' && el.parentElement === document.head)) out.push(tag);
              if (tag === 'script' && !(el.type === 'application/json' && el.id === arguments[0])) out.push('script');
              if (tag === 'link' && el.getAttribute('href') !== 'data:,') out.push('link');
              if (tag === 'a' && /^\\s*javascript:/i.test(el.getAttribute('href') || '')) out.push('a[href=javascript:]');
              for (const at of el.attributes) if (/^on/i.test(at.name)) out.push(tag + '[' + at.name + ']');
            }
            return out;""",
            a.embed_id,
        )
        if bad:
            fail(f"elements or attributes from the data: {bad}")

        body = driver.execute_script("return document.body.innerText")
        for t in a.text:
            if t not in body:
                fail(f"{t!r} is not shown as text")

        if a.screenshot:
            # The first screen and a half: the headline figures and charts.
            driver.set_window_size(a.width, a.shot_height)
            driver.save_screenshot(a.screenshot)
        print(f"ok: {a.page}: {len(drawn)} charts, no request, no console error, JSON equal")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
