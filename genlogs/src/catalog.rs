//! The catalog: models (with prices), teams, services, routes, people.

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Provider {
    OpenAi,
    Anthropic,
    Google,
    SelfHosted,
}

impl Provider {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::Google => "google",
            Provider::SelfHosted => "selfhosted",
        }
    }
}

/// USD per million tokens; only used to fake a provider-reported cost.
#[derive(Clone, Copy)]
pub(crate) struct Price {
    pub(crate) input: f64,
    pub(crate) output: f64,
    pub(crate) cache_read: f64,
    pub(crate) cache_write_5m: f64,
    pub(crate) cache_write_1h: f64,
}

const fn price(
    input: f64,
    output: f64,
    cache_read: f64,
    cache_write_5m: f64,
    cache_write_1h: f64,
) -> Option<Price> {
    Some(Price {
        input,
        output,
        cache_read,
        cache_write_5m,
        cache_write_1h,
    })
}

pub(crate) struct Model {
    pub(crate) name: &'static str,
    /// Routing-prefixed spelling some gateways log instead.
    pub(crate) alias: &'static str,
    pub(crate) provider: Provider,
    pub(crate) weight: u32,
    pub(crate) reasoning: bool,
    pub(crate) price: Option<Price>,
    /// Price above 200k input tokens, for models with a long-context tier.
    pub(crate) long_price: Option<Price>,
}

const fn model(
    name: &'static str,
    alias: &'static str,
    provider: Provider,
    weight: u32,
    reasoning: bool,
    price: Option<Price>,
    long_price: Option<Price>,
) -> Model {
    Model {
        name,
        alias,
        provider,
        weight,
        reasoning,
        price,
        long_price,
    }
}

use Provider::{Anthropic, Google, OpenAi, SelfHosted};

pub(crate) const MODELS: &[Model] = &[
    model(
        "gpt-4o-2024-08-06",
        "openai/gpt-4o",
        OpenAi,
        10,
        false,
        price(2.5, 10.0, 1.25, 0.0, 0.0),
        None,
    ),
    model(
        "gpt-4o-mini-2024-07-18",
        "openai/gpt-4o-mini",
        OpenAi,
        18,
        false,
        price(0.15, 0.6, 0.075, 0.0, 0.0),
        None,
    ),
    model(
        "gpt-4.1-2025-04-14",
        "openai/gpt-4.1",
        OpenAi,
        6,
        false,
        price(2.0, 8.0, 0.5, 0.0, 0.0),
        None,
    ),
    model(
        "gpt-4.1-mini-2025-04-14",
        "openai/gpt-4.1-mini",
        OpenAi,
        10,
        false,
        price(0.4, 1.6, 0.1, 0.0, 0.0),
        None,
    ),
    model(
        "gpt-5-2025-08-07",
        "openai/gpt-5",
        OpenAi,
        5,
        true,
        price(1.25, 10.0, 0.125, 0.0, 0.0),
        None,
    ),
    model(
        "o3-2025-04-16",
        "openai/o3",
        OpenAi,
        2,
        true,
        price(2.0, 8.0, 0.5, 0.0, 0.0),
        None,
    ),
    model(
        "claude-sonnet-4-5-20250929",
        "anthropic/claude-sonnet-4-5-20250929",
        Anthropic,
        14,
        false,
        price(3.0, 15.0, 0.3, 3.75, 6.0),
        price(6.0, 22.5, 0.6, 7.5, 12.0),
    ),
    model(
        "claude-haiku-4-5-20251001",
        "anthropic/claude-haiku-4-5-20251001",
        Anthropic,
        9,
        false,
        price(1.0, 5.0, 0.1, 1.25, 2.0),
        None,
    ),
    model(
        "claude-opus-4-1-20250805",
        "anthropic/claude-opus-4-1-20250805",
        Anthropic,
        2,
        false,
        price(15.0, 75.0, 1.5, 18.75, 30.0),
        None,
    ),
    model(
        "claude-3-5-haiku-20241022",
        "anthropic/claude-3-5-haiku-20241022",
        Anthropic,
        5,
        false,
        price(0.8, 4.0, 0.08, 1.0, 1.6),
        None,
    ),
    model(
        "gemini-2.5-pro",
        "google/gemini-2.5-pro",
        Google,
        5,
        true,
        price(1.25, 10.0, 0.125, 0.0, 0.0),
        price(2.5, 15.0, 0.25, 0.0, 0.0),
    ),
    model(
        "gemini-2.5-flash",
        "google/gemini-2.5-flash",
        Google,
        12,
        true,
        price(0.3, 2.5, 0.03, 0.0, 0.0),
        None,
    ),
];

/// Unpriced self-hosted model, only emitted with `--samples`.
pub(crate) const UNPRICED: Model = model(
    "acme-llm-7b",
    "selfhosted/acme-llm-7b",
    SelfHosted,
    0,
    false,
    None,
    None,
);

pub(crate) const MODEL_SONNET_45: usize = 6;
pub(crate) const MODEL_GEMINI_PRO: usize = 10;

#[derive(Clone, Copy)]
pub(crate) enum Param {
    None,
    Id,
    Uuid,
}

pub(crate) struct Route {
    pub(crate) prefix: &'static str,
    pub(crate) param: Param,
    pub(crate) suffix: &'static str,
}

const fn route(prefix: &'static str, param: Param, suffix: &'static str) -> Route {
    Route {
        prefix,
        param,
        suffix,
    }
}

const CHAT: Route = route("/v1/chat/completions", Param::None, "");
const MESSAGES: Route = route("/v1/messages", Param::None, "");

pub(crate) struct Service {
    pub(crate) name: &'static str,
    pub(crate) routes: &'static [Route],
}

pub(crate) struct Team {
    pub(crate) name: &'static str,
    pub(crate) weight: u32,
    pub(crate) cost_centers: &'static [&'static str],
    pub(crate) services: &'static [Service],
}

pub(crate) const TEAMS: &[Team] = &[
    Team {
        name: "search",
        weight: 18,
        cost_centers: &["CC-1042"],
        services: &[
            Service {
                name: "search-api",
                routes: &[
                    CHAT,
                    route("/v1/search/rewrite", Param::None, ""),
                    route("/v1/search/", Param::Uuid, "/answer"),
                ],
            },
            Service {
                name: "query-rewriter",
                routes: &[CHAT, route("/internal/rewrite", Param::None, "")],
            },
        ],
    },
    Team {
        name: "payments",
        weight: 9,
        cost_centers: &["CC-2210", "CC-2215"],
        services: &[
            Service {
                name: "checkout",
                routes: &[CHAT, route("/api/checkout/", Param::Id, "/risk-summary")],
            },
            Service {
                name: "fraud-review",
                routes: &[MESSAGES, route("/v1/cases/", Param::Id, "/explain")],
            },
        ],
    },
    Team {
        name: "support",
        weight: 20,
        cost_centers: &["CC-3107"],
        services: &[
            Service {
                name: "support-bot",
                routes: &[
                    CHAT,
                    MESSAGES,
                    route("/v1/users/", Param::Id, "/chat"),
                    route("/v1/sessions/", Param::Uuid, "/messages"),
                ],
            },
            Service {
                name: "ticket-summarizer",
                routes: &[
                    route("/v1/summarize", Param::None, ""),
                    route("/v1/tickets/", Param::Id, "/summary"),
                ],
            },
        ],
    },
    Team {
        name: "growth",
        weight: 10,
        cost_centers: &["CC-4050", "CC-4051"],
        services: &[
            Service {
                name: "email-writer",
                routes: &[CHAT, route("/v1/campaigns/", Param::Id, "/draft")],
            },
            Service {
                name: "onboarding-assistant",
                routes: &[CHAT, route("/v1/users/", Param::Id, "/chat")],
            },
        ],
    },
    Team {
        name: "ml-platform",
        weight: 14,
        cost_centers: &["CC-5001"],
        services: &[
            Service {
                name: "eval-runner",
                routes: &[CHAT, MESSAGES, route("/v1/evals/", Param::Uuid, "/run")],
            },
            Service {
                name: "agent-sandbox",
                routes: &[MESSAGES, route("/v1/agents/", Param::Uuid, "/step")],
            },
        ],
    },
    Team {
        name: "data",
        weight: 12,
        cost_centers: &["CC-5120", "CC-5121"],
        services: &[
            Service {
                name: "sql-copilot",
                routes: &[CHAT, route("/v1/sql/generate", Param::None, "")],
            },
            Service {
                name: "etl-annotator",
                routes: &[
                    route("/v1/batch/", Param::Id, "/annotate"),
                    route("/v1/summarize", Param::None, ""),
                ],
            },
        ],
    },
    Team {
        name: "security",
        weight: 6,
        cost_centers: &["CC-6300"],
        services: &[
            Service {
                name: "alert-triage",
                routes: &[MESSAGES, route("/v1/alerts/", Param::Uuid, "/triage")],
            },
            Service {
                name: "code-scanner",
                routes: &[CHAT, route("/v1/repos/", Param::Id, "/scan")],
            },
        ],
    },
    Team {
        name: "mobile",
        weight: 11,
        cost_centers: &["CC-7015"],
        services: &[
            Service {
                name: "mobile-assistant",
                routes: &[CHAT, route("/v1/users/", Param::Id, "/chat")],
            },
            Service {
                name: "push-copy",
                routes: &[route("/v1/notifications/generate", Param::None, "")],
            },
        ],
    },
];

pub(crate) const ENVIRONMENTS: &[(&str, u32)] = &[("prod", 80), ("staging", 13), ("dev", 7)];

pub(crate) const CUSTOMERS: &[(&str, u32)] = &[
    ("acme-corp", 22),
    ("globex", 15),
    ("initech", 11),
    ("umbrella", 9),
    ("hooli", 8),
    ("stark-industries", 7),
    ("wayne-enterprises", 6),
    ("wonka-industries", 4),
    ("tyrell-corp", 3),
    ("Soylent, Inc.", 1),
];

pub(crate) const FIRST_NAMES: &[&str] = &[
    "maria", "james", "wei", "priya", "olga", "diego", "fatima", "noah", "aiko", "liam", "sofia",
    "omar", "chen", "emma", "ravi", "lucas",
];
pub(crate) const LAST_NAMES: &[&str] = &[
    "garcia", "smith", "zhang", "patel", "ivanova", "lopez", "khan", "brown", "tanaka", "murphy",
    "rossi", "haddad", "li", "schmidt", "nair", "silva",
];

pub(crate) const USER_AGENTS: &[&str] = &[
    "OpenAI/Python 1.51.2",
    "AsyncOpenAI/Python 1.54.4",
    "Anthropic/Python 0.39.0",
    "litellm/1.52.6",
    "python-httpx/0.27.2",
    "okhttp/4.12.0",
    "Go-http-client/2.0",
    "node-fetch/1.0",
    "Mozilla/5.0 (X11; Linux x86_64)",
];

pub(crate) const TEMPERATURES: &[&str] = &["0", "0.2", "0.3", "0.7", "1"];
pub(crate) const MAX_TOKENS: &[u64] = &[256, 512, 1024, 2048, 4096, 8192];
pub(crate) const TZ_OFFSETS_MIN: &[i64] = &[120, 60, -240, -420, 330, 540];
