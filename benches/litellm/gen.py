#!/usr/bin/env python3
"""Independent generator of LiteLLM_SpendLogs rows (Nov 2026), stdlib only.

Shape: the Postgres table `LiteLLM_SpendLogs` of LiteLLM's schema.prisma, as a
bulk export of the database would give it:

  --format jsonl : `COPY (SELECT row_to_json(t) FROM "LiteLLM_SpendLogs" t) TO STDOUT`
                   top level compact, columns in physical table order; the Json
                   (jsonb) columns printed by jsonb_out: keys ordered by length
                   then bytes, ", " and ": " separators; DateTime (timestamp(3),
                   UTC, no zone) as 2026-11-03T09:14:02.118 with trailing zeros
                   of the fraction dropped; float8 shortest round trip.
  --format csv   : `COPY "LiteLLM_SpendLogs" TO STDOUT WITH CSV HEADER`
                   same rows, timestamps with a space, NULL as an empty
                   unquoted cell, '' as "".

Row content follows litellm/proxy/spend_tracking/spend_tracking_utils.py
(get_logging_payload) and SpendLogsMetadata: hashed api_key, usage_object and
additional_usage_values in metadata, cache-inclusive prompt_tokens (also for
Anthropic: prompt = uncached + cache_read + cache_creation), response-cache
hits with request_id '<id>_cache_hit<epoch>' and cache_hit 'True', failures
with status 'failure' and zero tokens, team/cost-center attribution through
the key's team (user_api_key_team_alias/team_id), metadata.spend_logs_metadata
and request_tags.

Noise: ~0.01% truncated lines, ~0.1% duplicate rows (exact copies, as from
overlapping exports), ~7% rows without a cost center.

Deterministic for a given --seed and size; parallel over hours of the month.

  python3 gen.py --bytes 2G --seed 11 -o big.jsonl
  python3 gen.py --bytes 2G --seed 11 --format csv -o big.csv
"""
import argparse
import hashlib
import json
import math
import multiprocessing as mp
import os
import random
import sys
import time
from json.encoder import encode_basestring as _qs

MONTH_START = 1793491200  # 2026-11-01T00:00:00Z
DAYS = 30
HOURS = DAYS * 24

COLUMNS = [
    "request_id", "call_type", "api_key", "spend", "total_tokens", "prompt_tokens",
    "completion_tokens", "startTime", "endTime", "completionStartTime", "model",
    "model_id", "model_group", "api_base", "user", "metadata", "cache_hit", "cache_key",
    "request_tags", "team_id", "end_user", "requester_ip_address", "custom_llm_provider",
    "messages", "response", "session_id", "status", "proxy_server_request",
    "mcp_namespaced_tool_name", "organization_id", "agent_id", "request_duration_ms",
]
JSON_COLS = {"metadata", "request_tags", "messages", "response", "proxy_server_request"}
TIME_COLS = {"startTime", "endTime", "completionStartTime"}

# Deployments: (model as logged, custom_llm_provider, model_group, api_base, kind,
#   list prices per MTok used only for LiteLLM's own `spend` figure:
#   input, output, cache read, cache write 5m, cache write 1h)
DEPLOYMENTS = [
    ("gpt-4o-2024-08-06", "openai", "gpt-4o", "https://api.openai.com/v1", "openai", (2.5, 10, 1.25, 0, 0)),
    ("gpt-4o-2024-05-13", "openai", "gpt-4o-legacy", "https://api.openai.com/v1", "openai", (5, 15, 5, 0, 0)),
    ("gpt-4o-mini-2024-07-18", "openai", "gpt-4o-mini", "https://api.openai.com/v1", "openai", (0.15, 0.6, 0.075, 0, 0)),
    ("openai/gpt-4.1-2025-04-14", "openai", "gpt-4.1", "https://api.openai.com/v1", "openai", (2, 8, 0.5, 0, 0)),
    ("openai/gpt-4.1-mini-2025-04-14", "openai", "gpt-4.1-mini", "https://api.openai.com/v1", "openai", (0.4, 1.6, 0.1, 0, 0)),
    ("openai/gpt-4.1-nano-2025-04-14", "openai", "gpt-4.1-nano", "https://api.openai.com/v1", "openai", (0.1, 0.4, 0.025, 0, 0)),
    ("gpt-5-2025-08-07", "openai", "gpt-5", "https://api.openai.com/v1", "reasoning", (1.25, 10, 0.125, 0, 0)),
    ("gpt-5-mini-2025-08-07", "openai", "gpt-5-mini", "https://api.openai.com/v1", "reasoning", (0.25, 2, 0.025, 0, 0)),
    ("openai/gpt-5.1-2025-11-13", "openai", "gpt-5.1", "https://api.openai.com/v1", "reasoning", (1.25, 10, 0.125, 0, 0)),
    ("o4-mini-2025-04-16", "openai", "o4-mini", "https://api.openai.com/v1", "reasoning", (1.1, 4.4, 0.275, 0, 0)),
    ("text-embedding-3-small", "openai", "embeddings", "https://api.openai.com/v1", "embedding", (0.02, 0, 0, 0, 0)),
    ("anthropic/claude-sonnet-4-5-20250929", "anthropic", "claude-sonnet-4-5", "https://api.anthropic.com/v1/messages", "anthropic", (3, 15, 0.3, 3.75, 6)),
    ("claude-sonnet-4-6", "anthropic", "sonnet", "https://api.anthropic.com/v1/messages", "anthropic", (3, 15, 0.3, 3.75, 6)),
    ("anthropic/claude-haiku-4-5-20251001", "anthropic", "haiku", "https://api.anthropic.com/v1/messages", "anthropic", (1, 5, 0.1, 1.25, 2)),
    ("claude-opus-4-5-20251101", "anthropic", "opus", "https://api.anthropic.com/v1/messages", "anthropic", (5, 25, 0.5, 6.25, 10)),
    ("claude-opus-4-1-20250805", "anthropic", "opus-4-1", "https://api.anthropic.com/v1/messages", "anthropic", (15, 75, 1.5, 18.75, 30)),
    ("claude-3-5-haiku-20241022", "anthropic", "claude-3-5-haiku", "https://api.anthropic.com/v1/messages", "anthropic", (0.8, 4, 0.08, 1, 1.6)),
    ("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", "claude-sonnet-4-5-bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com", "anthropic", (3.3, 16.5, 0.33, 4.125, 6.6)),
    ("vertex_ai/claude-sonnet-4-5@20250929", "vertex_ai", "claude-sonnet-4-5-vertex", "https://us-east5-aiplatform.googleapis.com", "anthropic", (3, 15, 0.3, 3.75, 6)),
]
# Models whose prompts may be very long (1M windows): long-document traffic.
LONG_OK = {"anthropic/claude-sonnet-4-5-20250929", "claude-sonnet-4-6",
           "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", "openai/gpt-4.1-2025-04-14",
           "openai/gpt-4.1-mini-2025-04-14", "claude-opus-4-5-20251101"}
MAX_OUT = {"openai": 16384, "reasoning": 64000, "anthropic": 32000, "embedding": 0}

TEAM_NAMES = [
    "search", "payments", "growth", "ml-platform", "support-ai", "checkout", "risk", "fraud",
    "data-eng", "recommendations", "ads", "marketing", "legal-ops", "hr-tools", "finance-ai",
    "mobile", "web", "platform", "infra", "security", "docs", "devex", "analytics", "crm",
    "billing", "onboarding", "trust-safety", "localization", "recherche-données", "voice",
    "vision", "agents", "sales-eng", "customer-success", "research", "qa-automation",
]
SERVICE_WORDS = [
    "summarizer", "chat", "classifier", "extractor", "rag-api", "copilot", "triage", "translator",
    "email-drafts", "ticket-router", "code-review", "sql-agent", "search-rerank", "moderation",
    "embedder", "report-writer", "voice-bot", "doc-qa", "tagger", "planner",
]
ROUTES = ["/v1/chat/completions", "/v1/summarize", "/v1/classify", "/v1/extract", "/v1/answer",
          "/v1/draft", "/v1/review", "/v1/embed", "/v1/agent/step", "/v1/translate"]
USER_AGENTS = [("User-Agent: OpenAI", "User-Agent: OpenAI/Python 1.54.0"),
               ("User-Agent: AsyncOpenAI", "User-Agent: AsyncOpenAI/Python 1.99.9"),
               ("User-Agent: Anthropic", "User-Agent: Anthropic/Python 0.72.0"),
               ("User-Agent: curl", "User-Agent: curl/8.7.1")]
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Service profiles: (prompt median, prompt sigma, output median, output sigma, cache affinity)
PROFILES = {
    "chat": (1800, 1.1, 280, 1.0, 0.35),
    "rag": (6500, 0.8, 350, 0.9, 0.45),
    "batch": (12000, 0.9, 900, 0.8, 0.2),
    "agent": (28000, 1.0, 700, 1.1, 0.85),
    "classify": (900, 0.9, 12, 0.7, 0.3),
    "embed": (450, 1.0, 0, 0, 0.0),
}


def uuid4(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])


def b62(rng, n):
    return "".join(rng.choice(B62) for _ in range(n))


def sha256hex(s):
    return hashlib.sha256(s.encode()).hexdigest()


def build_population(seed):
    """Teams, keys and services; identical in every worker for a seed."""
    rng = random.Random(seed * 7919 + 1)
    dep_index = {d[0]: i for i, d in enumerate(DEPLOYMENTS)}
    chat_models = ["gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "openai/gpt-4.1-2025-04-14",
                   "openai/gpt-4.1-mini-2025-04-14", "openai/gpt-4.1-nano-2025-04-14", "gpt-5-2025-08-07",
                   "gpt-5-mini-2025-08-07", "openai/gpt-5.1-2025-11-13", "o4-mini-2025-04-16",
                   "anthropic/claude-sonnet-4-5-20250929", "claude-sonnet-4-6",
                   "anthropic/claude-haiku-4-5-20251001", "claude-opus-4-5-20251101"]
    chat_w = [6, 10, 5, 7, 3, 4, 7, 3, 2, 8, 6, 7, 2]
    keys = []  # each: dict
    cc_counter = iter(range(1000, 9999, 37))
    for ti, name in enumerate(TEAM_NAMES):
        team_id = uuid4(rng)
        alias = None if name == "research" else name  # a team created without an alias
        ccs = ["CC-%d" % next(cc_counter) for _ in range(rng.choice([1, 1, 2, 3]))]
        n_services = rng.choice([1, 2, 2, 3, 4])
        services = []
        for si in range(n_services):
            svc = "%s-%s" % (name.split("-")[0], rng.choice(SERVICE_WORDS))
            prof = rng.choice(["chat", "chat", "rag", "rag", "batch", "agent", "classify", "embed"])
            if prof == "embed":
                models = [("text-embedding-3-small", 1.0)]
            else:
                picks = rng.sample(range(len(chat_models)), rng.choice([1, 2, 3, 4]))
                models = [(chat_models[p], chat_w[p] * rng.uniform(0.5, 2)) for p in picks]
                if rng.random() < 0.15:
                    models.append(("claude-opus-4-1-20250805", 0.4))
                if rng.random() < 0.10:
                    models.append(("claude-3-5-haiku-20241022", 0.5))
                if rng.random() < 0.08:
                    models.append(("gpt-4o-2024-05-13", 0.5))
                if rng.random() < 0.20:
                    models.append(("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", 0.6))
                if rng.random() < 0.06:
                    models.append(("vertex_ai/claude-sonnet-4-5@20250929", 0.3))
            services.append((svc, prof, models, rng.choice(ccs)))
        n_keys = rng.choice([1, 2, 3, 4, 5])
        for k in range(n_keys):
            svc = services[k % n_services]
            env = rng.choice(["prod", "prod", "prod", "staging", "dev"])
            style = rng.choices(["slm", "tags", "slm_no_cc", "bare"], [66, 24, 4, 2])[0]
            keys.append({
                "hash": sha256hex("sk-%s" % b62(rng, 22)),
                "alias": "%s-%s" % (svc[0], env) if rng.random() < 0.9 else None,
                "team_alias": alias, "team_id": team_id,
                "user": "u-%04d" % rng.randrange(10000) if rng.random() < 0.7 else "",
                "service": svc, "env": env, "style": style,
                "customers": ["cust-%05d" % rng.randrange(100000) for _ in range(rng.choice([0, 0, 3, 20]))],
                "ua": rng.choice(USER_AGENTS) if rng.random() < 0.3 else None,
                "stale_team_tag": rng.random() < 0.05,
                "weight": 1.0 / (len(keys) + 3) ** 0.9,
            })
    # Personal / dev keys without a team (team from spend_logs_metadata, a tag, or none)
    for k in range(25):
        team = rng.choice(TEAM_NAMES)
        how = rng.choices(["slm_team", "tag_team", "none"], [50, 30, 20])[0]
        models = [(m, 1.0) for m in rng.sample(chat_models, 3)]
        keys.append({
            "hash": sha256hex("sk-%s" % b62(rng, 22)),
            "alias": None if rng.random() < 0.5 else "dev-%s-%d" % (team, k),
            "team_alias": None, "team_id": None,
            "user": "u-%04d" % rng.randrange(10000),
            "service": ("%s-notebook" % team.split("-")[0], rng.choice(["chat", "rag", "agent"]), models,
                        "CC-%d" % (1000 + 37 * rng.randrange(40))),
            "env": "dev", "style": "personal_" + how, "customers": [],
            "ua": rng.choice(USER_AGENTS) if rng.random() < 0.5 else None,
            "stale_team_tag": False,
            "weight": 0.15 / (k + 2) ** 0.5,
        })
    total = sum(k["weight"] for k in keys)
    weights = [k["weight"] / total for k in keys]
    # deployment ids (model_id), stable
    model_ids = {d[0]: sha256hex("deployment-%s-%d" % (d[0], seed))[:32] for d in DEPLOYMENTS}
    return keys, weights, dep_index, model_ids


# ---------------------------------------------------------------- formatting
_order_cache = {}


def _jsonb_keys(d):
    ks = tuple(d.keys())
    o = _order_cache.get(ks)
    if o is None:
        o = sorted(ks, key=lambda k: (len(k.encode()), k.encode()))
        _order_cache[ks] = o
    return o


_QK = {}


def _qk(k):
    q = _qs(k) + ": "
    _QK[k] = q
    return q


def jsonb(v):
    """Text of a value as Postgres jsonb_out prints it."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    t = type(v)
    if t is str:
        return _qs(v)
    if t is int:
        return str(v)
    if t is float:
        return pgfloat(v)
    if t is dict:
        return "{" + ", ".join((_QK.get(k) or _qk(k)) + jsonb(v[k]) for k in _jsonb_keys(v)) + "}"
    if t is list:
        return "[" + ", ".join(jsonb(x) for x in v) + "]"
    raise TypeError(t)


def pgfloat(f):
    if f == 0:
        return "0"
    r = repr(f)
    if r.endswith(".0"):
        r = r[:-2]
    return r


def pgtime(ms, sep):
    """timestamp(3) text: fraction without trailing zeros."""
    s, frac = divmod(ms, 1000)
    t = time.gmtime(s)
    out = "%04d-%02d-%02d%s%02d:%02d:%02d" % (t.tm_year, t.tm_mon, t.tm_mday, sep, t.tm_hour, t.tm_min, t.tm_sec)
    if frac:
        out += ("." + "%03d" % frac).rstrip("0")
    return out


def to_jsonl(row):
    parts = []
    for c, v in zip(COLUMNS, row):
        if v is None:
            val = "null"
        elif c in JSON_COLS:
            val = jsonb(v)
        elif c in TIME_COLS:
            val = '"' + pgtime(v, "T") + '"'
        elif type(v) is str:
            val = _qs(v)
        elif type(v) is float:
            val = pgfloat(v)
        else:
            val = str(v)
        parts.append('"' + c + '":' + val)
    return "{" + ",".join(parts) + "}"


def csv_cell(text):
    if text == "" or any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(row):
    cells = []
    for c, v in zip(COLUMNS, row):
        if v is None:
            cells.append("")
            continue
        if c in JSON_COLS:
            text = jsonb(v)
        elif c in TIME_COLS:
            text = pgtime(v, " ")
        elif type(v) is float:
            text = pgfloat(v)
        else:
            text = str(v)
        cells.append(csv_cell(text))
    return ",".join(cells)


# ---------------------------------------------------------------- rows
def lognorm(rng, median, sigma):
    return median * math.exp(rng.gauss(0.0, sigma))


def usage_openai(p, o, cached, reasoning, embedding):
    # litellm Usage.model_dump() of an OpenAI response (None details dropped)
    if embedding:
        return {"completion_tokens": 0, "prompt_tokens": p, "total_tokens": p}
    return {
        "completion_tokens": o, "prompt_tokens": p, "total_tokens": p + o,
        "completion_tokens_details": {"accepted_prediction_tokens": 0, "audio_tokens": 0,
                                      "reasoning_tokens": reasoning, "rejected_prediction_tokens": 0},
        "prompt_tokens_details": {"audio_tokens": 0, "cached_tokens": cached},
    }


def usage_anthropic(p, o, read, w5, w1):
    # litellm's OpenAI-shaped Usage of an Anthropic response: prompt_tokens is
    # uncached + cache_read + cache_creation; the Anthropic counts kept beside
    w = w5 + w1
    return {
        "completion_tokens": o, "prompt_tokens": p, "total_tokens": p + o,
        "completion_tokens_details": {"reasoning_tokens": 0, "text_tokens": o},
        "prompt_tokens_details": {"cached_tokens": read, "cache_creation_tokens": w,
                                  "cache_creation_token_details": {"ephemeral_5m_input_tokens": w5,
                                                                   "ephemeral_1h_input_tokens": w1}},
        "cache_creation_input_tokens": w, "cache_read_input_tokens": read,
    }


class Gen:
    def __init__(self, seed, era="current"):
        self.seed = seed
        self.era = era
        self.keys, self.weights, self.dep_index, self.model_ids = build_population(seed)
        cum = 0.0
        self.cum = []
        for w in self.weights:
            cum += w
            self.cum.append(cum)

    def pick_key(self, rng):
        import bisect
        return self.keys[min(bisect.bisect_left(self.cum, rng.random() * self.cum[-1]), len(self.keys) - 1)]

    def row(self, rng, start_ms):
        key = self.pick_key(rng)
        svc, prof, models, svc_cc = key["service"], key["service"][1], key["service"][2], key["service"][3]
        tot = sum(w for _, w in models)
        x = rng.random() * tot
        for model, w in models:
            x -= w
            if x <= 0:
                break
        dep = DEPLOYMENTS[self.dep_index[model]]
        _, provider, group, api_base, kind, lp = dep
        pm, ps, om, osg, cache_aff = PROFILES[prof]
        if kind == "embedding":
            pm, ps, om, osg = PROFILES["embed"][:4]
        # tokens
        failure = rng.random() < 0.005
        cache_hit = (not failure) and rng.random() < 0.006
        p = int(lognorm(rng, pm, ps)) + 8
        if model in LONG_OK and rng.random() < 0.006:
            p = rng.randrange(120_000, 900_000)
        p = min(p, 950_000)
        o = 0 if kind == "embedding" else min(int(lognorm(rng, om, osg)) + 1, MAX_OUT[kind])
        reasoning = 0
        if kind == "reasoning":
            reasoning = int(o * rng.uniform(0.2, 0.85)) if rng.random() < 0.8 else 0
            o += int(lognorm(rng, 400, 1.0)) if reasoning else 0
            o = min(o, MAX_OUT[kind])
            reasoning = min(reasoning, o)
        cached = read = w5 = w1 = 0
        if kind in ("openai", "reasoning") and p >= 1024 and rng.random() < cache_aff + 0.1:
            cached = max(1024, int(p * rng.uniform(0.3, 0.97)) // 128 * 128)
            cached = min(cached, (p // 128) * 128)
        if kind == "anthropic":
            uncached = p
            if rng.random() < cache_aff:
                read = int(p * rng.uniform(0.4, 0.98))
            if rng.random() < cache_aff * 0.5:
                w = int((p - read) * rng.uniform(0.3, 0.95))
                if rng.random() < 0.25:
                    w1 = w if rng.random() < 0.7 else w // 2
                w5 = w - w1
            uncached = p - read - w5 - w1
            p = uncached + read + w5 + w1
        if failure:
            p = o = cached = read = w5 = w1 = reasoning = 0
        # LiteLLM's own cost figure (reported, not the priced cost)
        if kind == "anthropic":
            spend = ((p - read - w5 - w1) * lp[0] + o * lp[1] + read * lp[2] + w5 * lp[3] + w1 * lp[4]) / 1e6
        else:
            spend = ((p - cached) * lp[0] + o * lp[1] + cached * lp[2]) / 1e6
        if cache_hit or failure:
            spend = 0.0
        spend = float("%.10g" % spend)
        # ids and times
        if failure or kind == "embedding":
            rid = uuid4(rng)
        elif provider == "openai":
            rid = "chatcmpl-" + b62(rng, 29)
        else:
            rid = "chatcmpl-" + uuid4(rng)
        latency = int(lognorm(rng, 900 + 12 * o, 0.5)) + 40
        end_ms = start_ms + latency
        stream = rng.random() < 0.55
        cst_ms = start_ms + min(latency, int(lognorm(rng, 450, 0.6))) if stream else end_ms
        if cache_hit:
            end_ms = start_ms + rng.randrange(3, 40)
            cst_ms = end_ms
            rid = "%s_cache_hit%s" % (rid, repr(end_ms / 1000 + rng.random() / 1000))
        # attribution
        style = key["style"]
        slm = None
        tags = []
        cc = svc_cc
        route = rng.choice(ROUTES)
        if style == "slm":
            slm = {"cost_center": cc, "service": svc[0], "route": route, "environment": key["env"]}
            if rng.random() < 0.01:
                del slm["cost_center"]
            elif rng.random() < 0.004:
                slm["cost_center"] = ""  # client sent an empty value
        elif style == "tags":
            tags = ["cost_center:" + cc, "service:" + svc[0], "env:" + key["env"]]
            if rng.random() < 0.01:
                tags = tags[1:]
        elif style == "slm_no_cc":
            slm = {"service": svc[0], "route": route}
        elif style == "bare":
            pass
        else:  # personal keys
            team = svc[0].split("-")[0]
            team = next((t for t in TEAM_NAMES if t.startswith(team)), team)
            if style == "personal_slm_team":
                slm = {"team": team, "cost_center": cc, "service": svc[0]}
            elif style == "personal_tag_team":
                tags = ["team:" + team, "cost_center:" + cc]
            else:
                slm = {"service": svc[0]} if rng.random() < 0.5 else None
        if key["stale_team_tag"]:
            tags.append("team:legacy-" + (key["team_alias"] or "x"))
        if key["ua"]:
            tags.extend(key["ua"])
        customer = rng.choice(key["customers"]) if key["customers"] else ""
        ip = "10.%d.%d.%d" % (rng.randrange(4), rng.randrange(256), rng.randrange(1, 255))
        if failure:
            uo = None
            auv = {}
        elif kind == "anthropic":
            uo = usage_anthropic(p, o, read, w5, w1)
            auv = {k: v for k, v in uo.items() if k not in ("completion_tokens", "prompt_tokens", "total_tokens")}
        else:
            uo = usage_openai(p, o, cached, reasoning, kind == "embedding")
            auv = {k: v for k, v in uo.items() if k not in ("completion_tokens", "prompt_tokens", "total_tokens")}
        if cache_hit:
            # LiteLLM logs the usage of the cached response, at zero spend
            pass
        base_model = model.split("/", 1)[-1]
        meta = {
            "user_api_key": key["hash"],
            "user_api_key_alias": key["alias"],
            "user_api_key_team_id": key["team_id"],
            "user_api_key_org_id": None,
            "user_api_key_user_id": key["user"] or None,
            "user_api_key_team_alias": key["team_alias"],
            "spend_logs_metadata": slm,
            "requester_ip_address": ip,
            "status": "failure" if failure else "success",
            "applied_guardrails": [],
            "batch_models": None,
            "mcp_tool_call_metadata": None,
            "vector_store_request_metadata": None,
            "guardrail_information": None,
            "usage_object": uo,
            "model_map_information": {"model_map_key": base_model, "model_map_value": None},
            "cold_storage_object_key": None,
            "litellm_overhead_time_ms": round(rng.uniform(1.5, 14.0), 3),
            "additional_usage_values": auv,
        }
        if self.era == "2025":
            # SpendLogsMetadata of an early-2025 proxy: no usage_object, no
            # mcp/vector-store/guardrail/model-map keys; the cache split only in
            # additional_usage_values
            for k in ("batch_models", "mcp_tool_call_metadata", "vector_store_request_metadata",
                      "guardrail_information", "usage_object", "model_map_information",
                      "cold_storage_object_key", "litellm_overhead_time_ms"):
                del meta[k]
            meta["proxy_server_request"] = None
            meta["error_information"] = None
        if failure:
            meta["error_information"] = {
                "error_code": rng.choice(["429", "500", "529", "400"]),
                "error_class": rng.choice(["RateLimitError", "InternalServerError", "BadRequestError"]),
                "llm_provider": provider, "error_message": "litellm.RateLimitError: upstream rate limited",
                "traceback": "", "error_information_source": "litellm"}
        call_type = "aembedding" if kind == "embedding" else ("acompletion" if rng.random() < 0.93 else "completion")
        cache_key = sha256hex("%s-%d" % (rid, p))
        row = [
            rid, call_type, key["hash"], spend, p + o, p, o, start_ms, end_ms, cst_ms, model,
            self.model_ids[model], group, api_base, key["user"], meta,
            "True" if cache_hit else "False", cache_key, tags, key["team_id"] or "", customer,
            ip, provider, {}, {}, uuid4(rng), "failure" if failure else "success", {},
            None, "", None, end_ms - start_ms,
        ]
        return row


def hour_weights():
    ws = []
    for h in range(HOURS):
        day, hour = divmod(h, 24)
        dow = (6 + day) % 7  # 2026-11-01 is a Sunday -> dow 6 (Mon=0)
        diurnal = 0.25 + math.exp(-((hour - 15.0) ** 2) / 18.0)  # peak 15:00 UTC
        wk = 0.35 if dow >= 5 else 1.0
        ws.append(diurnal * wk * (1.0 + 0.1 * math.sin(day)))
    s = sum(ws)
    return [w / s for w in ws]


_GEN = None


def _init(seed, era="current"):
    global _GEN
    _GEN = Gen(seed, era)


def gen_hour(args):
    seed, hour, n, fmt, dups, day_rows = args
    g = _GEN
    rng = random.Random((seed << 20) ^ (hour * 2654435761))
    # noise decisions on their own stream, so JSONL and CSV hold the same rows
    noise = random.Random((seed << 21) ^ (hour * 40503) ^ 0x5EED)
    t0 = (MONTH_START + hour * 3600) * 1000
    starts = sorted(rng.randrange(t0, t0 + 3_600_000) for _ in range(n))
    ser = to_jsonl if fmt == "jsonl" else to_csv
    out = []
    emitted = []
    stats = [0, 0, 0]  # rows, malformed, duplicates
    for s in starts:
        line = ser(g.row(rng, s))
        if noise.random() < 0.0001:
            frac = noise.random()
            if fmt == "csv":
                # a ragged row: cut at a column boundary outside quotes
                cut = 10 + int(frac * (len(line) - 12))
                q = False
                last = None
                for i, ch in enumerate(line[:cut]):
                    if ch == '"':
                        q = not q
                    elif ch == "," and not q:
                        last = i
                line = line[: last if last else line.index(",")]
            else:
                line = line[: 10 + int(frac * (len(line) - 12))]
            out.append(line)
            stats[1] += 1
            continue
        out.append(line)
        emitted.append(line)
        stats[0] += 1
        if dups == "spread" and noise.random() < 0.001 and emitted:
            # offset paging of /spend/logs while rows arrive: an earlier row again
            out.append(emitted[max(0, len(emitted) - 5000) + noise.randrange(min(len(emitted), 5000))])
            stats[2] += 1
    if dups == "block" and hour % 24 == 0:
        # daily exports whose windows overlap: the first rows of the day twice, in one run
        k = min(len(emitted), int(day_rows * 0.001 + 0.5))
        out.extend(emitted[:k])
        stats[2] += k
    return ("\n".join(out) + "\n").encode("utf-8"), stats


def parse_size(s):
    s = s.strip().upper()
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bytes", help="approximate output size, e.g. 100M, 2G")
    ap.add_argument("--rows", type=int, help="number of rows instead of --bytes")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    ap.add_argument("--era", choices=["current", "2025"], default="current",
                    help="metadata layout: current LiteLLM (usage_object, ...) or an early-2025 proxy")
    ap.add_argument("--dups", choices=["spread", "block"], default="spread",
                    help="duplicates: ~0.1%% of rows repeated a little later (offset paging), "
                         "or one block per day (overlapping daily exports)")
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-o", "--out", default="-")
    a = ap.parse_args()
    _init(a.seed, a.era)
    if a.rows:
        n_total = a.rows
    else:
        target = parse_size(a.bytes or "100M")
        # estimate the mean line size from a deterministic pilot
        rng = random.Random(a.seed + 99)
        ser = to_jsonl if a.format == "jsonl" else to_csv
        pilot = [len(ser(_GEN.row(rng, MONTH_START * 1000 + i * 1000)).encode()) + 1 for i in range(4000)]
        n_total = int(target / (sum(pilot) / len(pilot)))
    ws = hour_weights()
    counts = [int(n_total * w) for w in ws]
    for i in range(n_total - sum(counts)):
        counts[i * 7 % HOURS] += 1
    out = sys.stdout.buffer if a.out == "-" else open(a.out, "wb")
    if a.format == "csv":
        out.write((",".join(COLUMNS) + "\n").encode())
    day_rows = [sum(counts[d * 24:(d + 1) * 24]) for d in range(DAYS)]
    tasks = [(a.seed, h, counts[h], a.format, a.dups, day_rows[h // 24]) for h in range(HOURS)]
    tot = [0, 0, 0]
    written = 0
    t = time.time()
    if a.procs > 1:
        pool = mp.Pool(a.procs, initializer=_init, initargs=(a.seed, a.era))
        it = pool.imap(gen_hour, tasks, chunksize=1)
    else:
        it = map(gen_hour, tasks)
    for blob, st in it:
        out.write(blob)
        written += len(blob)
        for i in range(3):
            tot[i] += st[i]
    if a.procs > 1:
        pool.close()
        pool.join()
    out.flush()
    print("rows requested: %d; " % n_total, end="", file=sys.stderr)
    print("wrote %d bytes: %d rows, %d malformed, %d duplicate copies (%d lines) in %.1fs" % (
        written, tot[0], tot[1], tot[2], sum(tot), time.time() - t), file=sys.stderr)


if __name__ == "__main__":
    main()
