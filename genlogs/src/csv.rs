//! CSV output.

use crate::request::{Malformed, Req};
use crate::text::{push_rfc3339_z, push_u64};

pub(crate) const CSV_HEADER: &str =
    "timestamp,provider,model,team,cost_center,service,route,environment,customer,user,api_key,\
request_id,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,status,latency_ms\n";

/// One RFC 4180 cell followed by a comma.
fn csv_cell(out: &mut String, v: &str) {
    if v.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push('"');
        for c in v.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(v);
    }
    out.push(',');
}

fn csv_num(out: &mut String, v: u64) {
    push_u64(out, v);
    out.push(',');
}

pub(crate) fn write_csv(r: &Req, out: &mut String) {
    push_rfc3339_z(out, r.ts_ms);
    out.push(',');
    csv_cell(out, r.model.provider.name());
    csv_cell(
        out,
        if r.use_alias {
            r.model.alias
        } else {
            r.model.name
        },
    );
    csv_cell(out, r.team.unwrap_or(""));
    csv_cell(out, r.cost_center.unwrap_or(""));
    csv_cell(out, r.service);
    csv_cell(out, &r.route);
    csv_cell(out, r.environment);
    csv_cell(out, r.customer.unwrap_or(""));
    csv_cell(out, &r.user);
    csv_cell(out, &r.api_key);
    csv_cell(out, &r.request_id);
    match r.style.malformed {
        Malformed::NonNumeric(variant) => {
            let bad = ["n/a", "12k", "NaN", "\"1,204\""][variant as usize % 4];
            out.push_str(bad);
            out.push(',');
        }
        _ => csv_num(out, r.tok.input),
    }
    csv_num(out, r.tok.output);
    csv_num(out, r.tok.cache_read);
    csv_num(out, r.tok.cache_write());
    csv_cell(out, "success");
    push_u64(out, r.latency_ms);
    out.push('\n');
}
