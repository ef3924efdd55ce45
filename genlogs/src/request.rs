//! One request: the choices that make a line (model, tokens, shape,
//! attribution placement, timestamp style, malformation).

use crate::catalog::{
    Model, Param, Provider, CUSTOMERS, ENVIRONMENTS, FIRST_NAMES, LAST_NAMES, MAX_TOKENS, MODELS,
    MODEL_GEMINI_PRO, MODEL_SONNET_45, TEAMS, TEMPERATURES, TZ_OFFSETS_MIN, UNPRICED, USER_AGENTS,
};
use crate::rng::{mix64, scramble62, Rng};
use crate::text::{push_base62, push_hex, push_u64, push_uuid};
use crate::{Config, Format, Limit};

/// Where the token counts go in a JSON line.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    OpenAi,
    Anthropic,
    Flat,
}

/// Where the attribution fields go in a JSON line.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Placement {
    Top,
    Metadata,
    Tags,
    Labels,
    VoidLlm,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum TsStyle {
    Rfc3339Z,
    Offset(i64),
    SpaceNaive,
    EpochSecs,
    EpochMs,
    EpochMsString,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Malformed {
    None,
    /// Cut the line at this fraction (per mille) of its length.
    Truncated(u32),
    NegativeTokens,
    NoTimestamp,
    /// CSV only: this variant of a non-numeric token cell.
    NonNumeric(u32),
}

/// Disjoint token counts (input excludes cache reads and writes).
#[derive(Default, Clone, Copy)]
pub(crate) struct Tokens {
    pub(crate) input: u64,
    pub(crate) output: u64,
    pub(crate) cache_read: u64,
    pub(crate) cache_write_5m: u64,
    pub(crate) cache_write_1h: u64,
    /// Part of `output`.
    pub(crate) reasoning: u64,
}

impl Tokens {
    pub(crate) fn cache_write(&self) -> u64 {
        self.cache_write_5m + self.cache_write_1h
    }

    pub(crate) fn total_input(&self) -> u64 {
        self.input + self.cache_read + self.cache_write()
    }
}

pub(crate) struct Style {
    pub(crate) shape: Shape,
    pub(crate) placement: Placement,
    pub(crate) ts: TsStyle,
    pub(crate) ts_key: &'static str,
    pub(crate) cost_key: Option<&'static str>,
    pub(crate) cache_creation_detail: bool,
    /// Flat shape: write `cache_read_tokens` even when zero.
    pub(crate) zero_cache_fields: bool,
    pub(crate) malformed: Malformed,
}

/// A generated request; reused across lines so the hot loop does not allocate.
pub(crate) struct Req {
    pub(crate) ts_ms: i64,
    pub(crate) model: &'static Model,
    pub(crate) use_alias: bool,
    pub(crate) team: Option<&'static str>,
    pub(crate) cost_center: Option<&'static str>,
    pub(crate) service: &'static str,
    pub(crate) route: String,
    pub(crate) environment: &'static str,
    pub(crate) customer: Option<&'static str>,
    pub(crate) user: String,
    pub(crate) api_key: String,
    pub(crate) tok: Tokens,
    pub(crate) cost: Option<f64>,
    pub(crate) request_id: String,
    pub(crate) response_id: String,
    pub(crate) latency_ms: u64,
    pub(crate) ttft_ms: u64,
    pub(crate) stream: bool,
    pub(crate) temperature: Option<&'static str>,
    pub(crate) max_tokens: Option<u64>,
    pub(crate) user_agent: Option<&'static str>,
    pub(crate) ip: Option<[u8; 4]>,
    /// Details objects in OpenAI-shaped usage.
    pub(crate) prompt_details: bool,
    pub(crate) completion_details: bool,
    pub(crate) org_id: u64,
    pub(crate) style: Style,
}

impl Req {
    pub(crate) fn new() -> Req {
        Req {
            ts_ms: 0,
            model: &MODELS[0],
            use_alias: false,
            team: None,
            cost_center: None,
            service: "",
            route: String::with_capacity(128),
            environment: "prod",
            customer: None,
            user: String::with_capacity(64),
            api_key: String::with_capacity(64),
            tok: Tokens::default(),
            cost: None,
            request_id: String::with_capacity(64),
            response_id: String::with_capacity(64),
            latency_ms: 0,
            ttft_ms: 0,
            stream: false,
            temperature: None,
            max_tokens: None,
            user_agent: None,
            ip: None,
            prompt_details: false,
            completion_details: false,
            org_id: 0,
            style: Style {
                shape: Shape::Flat,
                placement: Placement::Top,
                ts: TsStyle::Rfc3339Z,
                ts_key: "timestamp",
                cost_key: None,
                cache_creation_detail: false,
                zero_cache_fields: false,
                malformed: Malformed::None,
            },
        }
    }
}

/// Line-independent generation state.
pub(crate) struct Gen {
    pub(crate) rng: Rng,
    samples: bool,
    format: Format,
    malformed_per_mille: u32,
    /// Line indexes forced to be malformed (with `--samples`).
    forced: [u64; 3],
    id_salt: u64,
}

impl Gen {
    pub(crate) fn new(cfg: &Config) -> Gen {
        let est_lines = match cfg.limit {
            Limit::Lines(n) => n,
            Limit::Bytes(b) => b / 640,
        };
        let forced = if !cfg.samples {
            [u64::MAX; 3]
        } else if est_lines < 8 {
            [0, 1, 2]
        } else {
            [est_lines / 4, est_lines / 2, est_lines * 3 / 4]
        };
        Gen {
            rng: Rng::new(cfg.seed),
            samples: cfg.samples,
            format: cfg.format,
            malformed_per_mille: cfg.malformed_per_mille,
            forced,
            id_salt: mix64(cfg.seed.wrapping_add(0x5EED)),
        }
    }

    /// Fills `r` with request number `idx` at time `ts_ms`.
    pub(crate) fn request(&mut self, idx: u64, ts_ms: i64, r: &mut Req) {
        r.ts_ms = ts_ms;
        let long_context = self.rng.chance(0.005);
        r.model = self.pick_model(long_context);
        r.use_alias = self.rng.chance(0.12);
        self.attribution(r);
        r.tok = self.tokens(r.model, long_context);
        r.style = self.style(idx, r.model.provider);
        r.cost = cost_usd(r.model, &r.tok);
        self.noise(idx, r);
    }

    fn pick_model(&mut self, long_context: bool) -> &'static Model {
        if long_context {
            return &MODELS[if self.rng.chance(0.6) {
                MODEL_SONNET_45
            } else {
                MODEL_GEMINI_PRO
            }];
        }
        if self.samples && self.rng.chance(0.01) {
            return &UNPRICED;
        }
        let mut weights = [0u32; 16];
        for (w, m) in weights.iter_mut().zip(MODELS) {
            *w = m.weight;
        }
        &MODELS[self.rng.weighted(&weights[..MODELS.len()])]
    }

    fn attribution(&mut self, r: &mut Req) {
        let rng = &mut self.rng;
        let mut weights = [0u32; 16];
        for (w, t) in weights.iter_mut().zip(TEAMS) {
            *w = t.weight;
        }
        let team = &TEAMS[rng.weighted(&weights[..TEAMS.len()])];
        let service = rng.pick(team.services);
        let missing = rng.below(1000);
        r.team = if missing < 20 { None } else { Some(team.name) };
        r.cost_center = if missing < 70 {
            None
        } else {
            Some(*rng.pick(team.cost_centers))
        };
        r.service = service.name;
        r.environment = rng.weighted_pick(ENVIRONMENTS);
        r.customer = if rng.chance(0.1) {
            None
        } else {
            Some(rng.weighted_pick(CUSTOMERS))
        };

        let rt = rng.pick(service.routes);
        r.route.clear();
        r.route.push_str(rt.prefix);
        match rt.param {
            Param::None => {}
            Param::Id => push_u64(&mut r.route, rng.log_uniform(100, 250_000)),
            Param::Uuid => {
                let (hi, lo) = (rng.next_u64(), rng.next_u64());
                push_uuid(&mut r.route, hi, lo);
            }
        }
        r.route.push_str(rt.suffix);

        let user_no = rng.log_uniform(20, 5000);
        r.user.clear();
        push_user(&mut r.user, user_no, r.customer);

        r.api_key.clear();
        r.api_key.push_str(team.name);
        r.api_key.push('-');
        r.api_key.push_str(r.environment);
        if rng.chance(0.4) {
            r.api_key.push('-');
            push_u64(&mut r.api_key, rng.range(2, 4));
        }
    }

    fn tokens(&mut self, model: &Model, long_context: bool) -> Tokens {
        let rng = &mut self.rng;
        let prompt = if long_context {
            rng.range(200_001, 650_000)
        } else {
            rng.log_uniform(200, 20_000)
        };
        let output = rng.log_uniform(20, 2000);
        let mut t = Tokens {
            output,
            ..Tokens::default()
        };
        if model.reasoning && rng.chance(0.7) {
            t.reasoning = (output as f64 * (0.2 + 0.7 * rng.unit())) as u64;
        }
        let mut cached = 0;
        if rng.chance(0.42) {
            cached = (prompt as f64 * (0.3 + 0.65 * rng.unit())) as u64;
            if model.provider == Provider::OpenAi {
                // OpenAI caches whole 128-token blocks once the prompt has 1024 tokens.
                cached = if prompt >= 1024 {
                    cached / 128 * 128
                } else {
                    0
                };
            }
        }
        let mut written = 0;
        if model.provider == Provider::Anthropic && rng.chance(0.2) {
            written = ((prompt - cached) as f64 * (0.3 + 0.6 * rng.unit())) as u64;
        }
        t.cache_read = cached;
        if rng.chance(0.25) {
            t.cache_write_1h = written;
        } else if rng.chance(0.1) {
            t.cache_write_1h = written / 3;
            t.cache_write_5m = written - written / 3;
        } else {
            t.cache_write_5m = written;
        }
        t.input = prompt - cached - written;
        t
    }

    fn style(&mut self, idx: u64, provider: Provider) -> Style {
        let rng = &mut self.rng;
        let placement = match rng.below(100) {
            0..=39 => Placement::Top,
            40..=64 => Placement::Metadata,
            65..=79 => Placement::Tags,
            80..=91 => Placement::Labels,
            _ => Placement::VoidLlm,
        };
        let shape = if placement == Placement::VoidLlm || rng.chance(0.2) {
            Shape::Flat
        } else if provider == Provider::Anthropic {
            Shape::Anthropic
        } else {
            Shape::OpenAi
        };
        let ts = match rng.below(100) {
            0..=69 => TsStyle::Rfc3339Z,
            70..=75 => TsStyle::Offset(*rng.pick(TZ_OFFSETS_MIN)),
            76..=81 => TsStyle::SpaceNaive,
            82..=87 => TsStyle::EpochSecs,
            88..=93 => TsStyle::EpochMs,
            _ => TsStyle::EpochMsString,
        };
        let ts_key = match rng.below(100) {
            0..=74 => "timestamp",
            75..=84 => "ts",
            85..=94 => "created_at",
            _ => "startTime",
        };
        let cost_key = match (placement, rng.below(100)) {
            (Placement::VoidLlm, _) => Some("total_cost"),
            (_, 0..=44) => Some("cost"),
            (_, 45..=74) => Some("spend"),
            _ => None,
        };
        let cache_creation_detail = rng.chance(0.5);
        let zero_cache_fields = rng.chance(0.5);
        let malformed = self.malformed(idx);
        Style {
            shape,
            placement,
            ts,
            ts_key,
            cost_key,
            cache_creation_detail,
            zero_cache_fields,
            malformed,
        }
    }

    fn malformed(&mut self, idx: u64) -> Malformed {
        let forced = self.forced.iter().position(|&f| f == idx);
        let kind = match forced {
            Some(k) => k as u64,
            None if self.rng.below(1000) < self.malformed_per_mille as u64 => self.rng.below(3),
            None => return Malformed::None,
        };
        if self.format == Format::Csv {
            return Malformed::NonNumeric(self.rng.below(4) as u32);
        }
        match kind {
            0 => Malformed::Truncated(self.rng.range(150, 850) as u32),
            1 => Malformed::NegativeTokens,
            _ => Malformed::NoTimestamp,
        }
    }

    fn noise(&mut self, idx: u64, r: &mut Req) {
        let rng = &mut self.rng;
        let unique = scramble62(idx ^ self.id_salt);
        r.request_id.clear();
        if rng.chance(0.7) {
            r.request_id.push_str("req_");
            push_hex(&mut r.request_id, rng.next_u64() >> 2, 8);
            push_hex(&mut r.request_id, unique, 16);
        } else {
            push_uuid(&mut r.request_id, rng.next_u64(), unique);
        }
        r.response_id.clear();
        r.stream = rng.chance(0.45);
        r.ttft_ms = rng.log_uniform(120, 2500) + r.tok.total_input() / 400;
        let per_token_ms = if r.model.reasoning { 14 } else { 8 } + rng.below(12);
        r.latency_ms = r.ttft_ms + r.tok.output * per_token_ms + rng.below(40);
        if self.format == Format::Csv {
            return; // The remaining fields only appear in JSON.
        }
        if rng.chance(0.5) {
            // Not every gateway logs the upstream response id.
        } else if r.model.provider == Provider::Anthropic && r.style.shape == Shape::Anthropic {
            r.response_id.push_str("msg_01");
            push_base62(&mut r.response_id, rng, 22);
        } else {
            r.response_id.push_str("chatcmpl-");
            push_base62(&mut r.response_id, rng, 29);
        }
        r.temperature = if rng.chance(0.3) {
            None
        } else {
            Some(*rng.pick(TEMPERATURES))
        };
        // A cap at or above the actual output.
        r.max_tokens = if rng.chance(0.5) {
            None
        } else {
            let fitting = MAX_TOKENS
                .iter()
                .position(|&m| m >= r.tok.output)
                .unwrap_or(MAX_TOKENS.len() - 1);
            Some(MAX_TOKENS[rng.range(fitting as u64, MAX_TOKENS.len() as u64 - 1) as usize])
        };
        r.user_agent = if rng.chance(0.6) {
            Some(*rng.pick(USER_AGENTS))
        } else {
            None
        };
        r.ip = if rng.chance(0.55) {
            Some([
                10,
                rng.below(32) as u8,
                rng.below(256) as u8,
                rng.range(1, 254) as u8,
            ])
        } else {
            None
        };
        r.prompt_details = r.tok.cache_read > 0 || rng.chance(0.25);
        r.completion_details = r.tok.reasoning > 0 || rng.chance(0.1);
        r.org_id = 0x7f3a_0000 + rng.below(3);
    }
}

fn push_user(out: &mut String, user_no: u64, customer: Option<&str>) {
    let h = mix64(user_no ^ 0xA11CE);
    match user_no % 10 {
        0..=4 => {
            out.push_str("usr_");
            push_hex(out, h, 8);
        }
        5..=7 => {
            out.push_str(FIRST_NAMES[(h % FIRST_NAMES.len() as u64) as usize]);
            out.push('.');
            out.push_str(LAST_NAMES[((h >> 8) % LAST_NAMES.len() as u64) as usize]);
            out.push('@');
            let domain = customer.unwrap_or("internal");
            for c in domain
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            {
                out.push(c.to_ascii_lowercase());
            }
            out.push_str(".com");
        }
        _ => push_u64(out, 1000 + h % 90_000),
    }
}

/// What the provider would have billed, in USD (None for unpriced models).
fn cost_usd(model: &Model, t: &Tokens) -> Option<f64> {
    let base = model.price?;
    let p = match model.long_price {
        Some(long) if t.total_input() > 200_000 => long,
        _ => base,
    };
    let micro = t.input as f64 * p.input
        + t.output as f64 * p.output
        + t.cache_read as f64 * p.cache_read
        + t.cache_write_5m as f64 * p.cache_write_5m
        + t.cache_write_1h as f64 * p.cache_write_1h;
    Some(micro / 1e6)
}
