//! The page's head: charset, the Content-Security-Policy that forbids
//! loading anything, and the one inline stylesheet (light and dark through
//! `prefers-color-scheme`, a single column below 700 px, A4 print without
//! cutting a chart in half). No fonts are loaded: system font stacks only.

/// Everything up to the title. The charset comes first, inside the first
/// 1024 bytes; the policy allows no script, no connection and no load
/// except inline styles and `data:` images (the empty favicon, which
/// stops a browser asking a server for `/favicon.ico`).
pub const HEAD_START: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="llmspend">
<link rel="icon" href="data:,">
"#;

/// The stylesheet.
pub const CSS: &str = r#"<style>
:root{--bg:#fff;--fg:#1b1b1b;--muted:#5c5c5c;--line:#d0d0d0;--card:#f4f5f7;--warn:#a33a00;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#16181b;--fg:#e8e8e8;--muted:#a8a8a8;--line:#3a3d42;--card:#202328;--warn:#ff9d5c}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:16px 24px;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid var(--line);padding-bottom:.2em}
.sub,.note,figcaption{color:var(--muted);font-size:.9em}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:12px 0}
.card{background:var(--card);border-radius:6px;padding:10px 14px}
.card .v{font-size:1.5em;font-weight:600;font-variant-numeric:tabular-nums}
.card .k{color:var(--muted);font-size:.85em}
.card.warn .v{color:var(--warn)}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.wide{grid-column:1/-1}
figure{margin:0;background:var(--card);border-radius:6px;padding:8px;break-inside:avoid;page-break-inside:avoid}
figure svg{width:100%;height:auto;display:block}
figure svg text{fill:var(--fg)}
figure svg line,figure svg polyline{stroke:var(--muted)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:.9em}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.n,th.n{text-align:right;white-space:nowrap}
thead th{position:sticky;top:0;background:var(--bg)}
tfoot td{font-weight:600;border-top:2px solid var(--fg)}
.scroll{overflow-x:auto}
.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 14px}.sw{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border-radius:2px;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.unpriced{color:var(--warn)}
.na{color:var(--muted);font-style:italic}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
@media (max-width:700px){.grid,.cards{grid-template-columns:1fr}body{padding:8px 10px}}
@media print{@page{size:A4;margin:12mm}body{max-width:none;padding:0;font-size:10pt}.grid{grid-template-columns:1fr}figure,tr,.card{break-inside:avoid;page-break-inside:avoid}thead th{position:static}.scroll{overflow:visible}table{font-size:7.5pt}th,td{padding:1px 3px}th{overflow-wrap:anywhere}:root{--bg:#fff;--fg:#000;--card:#fff}}
</style>
"#;

/// The end of the page: the embedded JSON (see
/// [`json_in_script`](super::escape::json_in_script)) and the closing tags.
pub fn tail(id: &str, json: &[u8], out: &mut String) {
    let json = String::from_utf8_lossy(json);
    out.push_str("<script type=\"application/json\" id=\"");
    out.push_str(id);
    out.push_str("\">\n");
    out.push_str(&super::escape::json_in_script(json.trim_end()));
    out.push_str("\n</script>\n</body>\n</html>\n");
}
