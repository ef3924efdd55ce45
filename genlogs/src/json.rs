//! JSON Lines output.

use crate::request::{Malformed, Placement, Req, Shape, TsStyle};
use crate::text::{
    push_decimal, push_hex, push_i64, push_rfc3339_offset, push_rfc3339_z, push_space_naive,
    push_u64,
};

/// Minimal JSON object writer; all values we write are known to need no escaping.
pub(crate) struct Json<'a> {
    out: &'a mut String,
    comma: bool,
}

impl<'a> Json<'a> {
    fn begin(out: &'a mut String) -> Json<'a> {
        out.push('{');
        Json { out, comma: false }
    }

    fn key(&mut self, k: &str) {
        if self.comma {
            self.out.push(',');
        }
        self.comma = true;
        self.out.push('"');
        self.out.push_str(k);
        self.out.push_str("\":");
    }

    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out.push('"');
        self.out.push_str(v);
        self.out.push('"');
    }

    fn opt_str(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.str(k, v);
        }
    }

    fn num(&mut self, k: &str, v: u64) {
        self.key(k);
        push_u64(self.out, v);
    }

    fn int(&mut self, k: &str, v: i64) {
        self.key(k);
        push_i64(self.out, v);
    }

    fn raw(&mut self, k: &str, v: &str) {
        self.key(k);
        self.out.push_str(v);
    }

    fn bool(&mut self, k: &str, v: bool) {
        self.raw(k, if v { "true" } else { "false" });
    }

    fn open(&mut self, k: &str) {
        self.key(k);
        self.out.push('{');
        self.comma = false;
    }

    fn close(&mut self) {
        self.out.push('}');
        self.comma = true;
    }
}

pub(crate) fn write_json(r: &Req, out: &mut String) {
    let start = out.len();
    let void = r.style.placement == Placement::VoidLlm;
    let mut j = Json::begin(out);
    if r.style.malformed != Malformed::NoTimestamp {
        write_timestamp(&mut j, r);
    }
    j.str("request_id", &r.request_id);
    j.str("status", "success");
    j.str("provider", r.model.provider.name());
    j.str(
        if void { "model_name" } else { "model" },
        if r.use_alias {
            r.model.alias
        } else {
            r.model.name
        },
    );
    write_attribution(&mut j, r);
    write_usage(&mut j, r);
    write_noise(&mut j, r);
    j.close();
    if let Malformed::Truncated(per_mille) = r.style.malformed {
        let len = out.len() - start;
        out.truncate(start + len * per_mille as usize / 1000);
    }
    out.push('\n');
}

fn write_timestamp(j: &mut Json, r: &Req) {
    j.key(r.style.ts_key);
    let ms = r.ts_ms;
    match r.style.ts {
        TsStyle::EpochSecs => push_i64(j.out, ms.div_euclid(1000)),
        TsStyle::EpochMs => push_i64(j.out, ms),
        quoted => {
            j.out.push('"');
            match quoted {
                TsStyle::Offset(off) => push_rfc3339_offset(j.out, ms, off),
                TsStyle::SpaceNaive => push_space_naive(j.out, ms),
                TsStyle::EpochMsString => push_i64(j.out, ms),
                _ => push_rfc3339_z(j.out, ms),
            }
            j.out.push('"');
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Attr {
    Team,
    CostCenter,
    Service,
    Route,
    Environment,
    Customer,
    User,
    ApiKey,
}

const ALL_ATTRS: &[Attr] = &[
    Attr::Team,
    Attr::CostCenter,
    Attr::Service,
    Attr::Route,
    Attr::Environment,
    Attr::Customer,
    Attr::User,
    Attr::ApiKey,
];
const TAG_ATTRS: &[Attr] = &[
    Attr::Team,
    Attr::CostCenter,
    Attr::Service,
    Attr::Environment,
    Attr::Customer,
];
const UNTAGGED_ATTRS: &[Attr] = &[Attr::Route, Attr::User, Attr::ApiKey];

fn write_attrs(j: &mut Json, r: &Req, attrs: &[Attr], void: bool) {
    for &a in attrs {
        match a {
            Attr::Team => j.opt_str(if void { "team_id" } else { "team" }, r.team),
            Attr::CostCenter => j.opt_str("cost_center", r.cost_center),
            Attr::Service => j.str("service", r.service),
            Attr::Route => j.str("route", &r.route),
            Attr::Environment => j.str("environment", r.environment),
            Attr::Customer => j.opt_str(if void { "tenant_id" } else { "customer" }, r.customer),
            Attr::User => j.str("user", &r.user),
            Attr::ApiKey => j.str(if void { "key_id" } else { "api_key" }, &r.api_key),
        }
    }
}

fn write_attribution(j: &mut Json, r: &Req) {
    match r.style.placement {
        Placement::Top => write_attrs(j, r, ALL_ATTRS, false),
        Placement::Metadata => {
            j.open("metadata");
            write_attrs(j, r, ALL_ATTRS, false);
            j.close();
        }
        Placement::Tags | Placement::Labels => {
            write_attrs(j, r, UNTAGGED_ATTRS, false);
            j.open(if r.style.placement == Placement::Tags {
                "tags"
            } else {
                "labels"
            });
            write_attrs(j, r, TAG_ATTRS, false);
            j.close();
        }
        Placement::VoidLlm => {
            j.key("org_id");
            j.out.push_str("\"org_");
            push_hex(j.out, r.org_id, 8);
            j.out.push('"');
            write_attrs(j, r, ALL_ATTRS, true);
        }
    }
}

fn write_usage(j: &mut Json, r: &Req) {
    let t = &r.tok;
    let output = if r.style.malformed == Malformed::NegativeTokens {
        -(t.output as i64)
    } else {
        t.output as i64
    };
    match r.style.shape {
        Shape::OpenAi => {
            let prompt = t.total_input() as i64;
            j.open("usage");
            j.int("prompt_tokens", prompt);
            j.int("completion_tokens", output);
            j.int("total_tokens", prompt + output);
            if r.prompt_details {
                j.open("prompt_tokens_details");
                j.num("cached_tokens", t.cache_read);
                j.close();
            }
            if r.completion_details {
                j.open("completion_tokens_details");
                j.num("reasoning_tokens", t.reasoning);
                j.close();
            }
            j.close();
        }
        Shape::Anthropic => {
            j.open("usage");
            j.num("input_tokens", t.input);
            j.int("output_tokens", output);
            j.num("cache_read_input_tokens", t.cache_read);
            j.num("cache_creation_input_tokens", t.cache_write());
            if r.style.cache_creation_detail && t.cache_write() > 0 {
                j.open("cache_creation");
                j.num("ephemeral_5m_input_tokens", t.cache_write_5m);
                j.num("ephemeral_1h_input_tokens", t.cache_write_1h);
                j.close();
            }
            j.close();
        }
        Shape::Flat => {
            j.num("input_tokens", t.input);
            j.int("output_tokens", output);
            // Many gateways drop zero cache counters from flat records.
            if t.cache_read > 0 || r.style.zero_cache_fields {
                j.num("cache_read_tokens", t.cache_read);
            }
            if t.cache_write() > 0 {
                j.num("cache_write_tokens", t.cache_write());
            }
        }
    }
}

fn write_noise(j: &mut Json, r: &Req) {
    if let (Some(key), Some(cost)) = (r.style.cost_key, r.cost) {
        j.key(key);
        push_decimal(j.out, cost);
    }
    j.num(
        if r.style.placement == Placement::VoidLlm {
            "duration_ms"
        } else {
            "latency_ms"
        },
        r.latency_ms,
    );
    if r.stream {
        j.num("ttft_ms", r.ttft_ms);
    }
    j.bool("stream", r.stream);
    if let Some(t) = r.temperature {
        j.raw("temperature", t);
    }
    if let Some(m) = r.max_tokens {
        j.num("max_tokens", m);
    }
    if !r.response_id.is_empty() {
        j.str("response_id", &r.response_id);
    }
    j.opt_str("user_agent", r.user_agent);
    if let Some(ip) = r.ip {
        j.key("ip");
        j.out.push('"');
        for (i, octet) in ip.iter().enumerate() {
            if i > 0 {
                j.out.push('.');
            }
            push_u64(j.out, *octet as u64);
        }
        j.out.push('"');
    }
}
