#!/usr/bin/env python3
"""Seeded test data for the interop test (tests/integration/interop.rs).

Written from the formats' documentation (docs/sources.md: gateway JSONL
with canonical, container and provider-usage shapes; LiteLLM spend-log
rows), not from genlogs, so the engines are checked on data llmspend's own
generator never produces.

    gen.py OUT_DIR [--mb 52] [--files 22] [--seed 20]

writes OUT_DIR/logs/part-NNNN.jsonl.gz (the bulk, >= --mb MB raw, split into
--files gzipped files of overlapping time windows, so the overlap's
request_ids cross files; one file shipped twice under another name) and
OUT_DIR/logs/edge.jsonl (the hand-made cases), and prints a summary line.
"""

import argparse
import gzip
import json
import os
import random
import shutil

# (provider, model as logged): all priced by the embedded rate card.
MODELS = [
    ("openai", "gpt-4o-mini-2024-07-18"),
    ("openai", "gpt-4o"),
    ("openai", "gpt-4.1-nano"),
    ("anthropic", "claude-sonnet-4-5-20250929"),
    ("anthropic", "claude-haiku-4-5-20251001"),
    ("anthropic", "claude-haiku-5-5"),
    ("google", "gemini-2.5-pro"),
    ("google", "gemini-2.0-flash"),
]
TEAMS = ["search", "growth", "support", "ml-platform", "mobile", "payments", "ads", "legal"]
CENTERS = ["CC-1042", "CC-4051", "CC-3107", "CC-5001", "CC-7015", "CC-2200"]
SERVICES = ["query-rewriter", "ticket-summarizer", "agent-sandbox", "push-copy", "checkout"]
CUSTOMERS = ["acme-corp", "initech", "globex", "wonka-industries"]

DAY0 = 1790812800  # 2026-10-01T00:00:00Z
MONTH = 31 * 86400


def iso(ts_ms):
    s, ms = divmod(ts_ms, 1000)
    import time

    t = time.gmtime(s)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ".%03dZ" % ms


def owners(rng):
    """Team and cost center, sometimes missing (the coverage case)."""
    team = rng.choice(TEAMS) if rng.random() > 0.06 else None
    cc = rng.choice(CENTERS) if rng.random() > 0.10 else None
    return team, cc


def gateway_line(rng, rid, ts_ms):
    """One gateway line, in one of the documented shapes."""
    provider, model = rng.choice(MODELS)
    team, cc = owners(rng)
    inp = rng.randint(1, 30000)
    out = rng.randint(1, 4000)
    shape = rng.random()
    rec = {"timestamp": iso(ts_ms), "request_id": rid, "status": "success",
           "provider": provider, "model": model, "route": "/v1/chat/%d" % rng.randint(1, 999),
           "user": "usr_%04x" % rng.randint(0, 4000), "api_key": "%s-prod" % (team or "shared")}
    labels = {"service": rng.choice(SERVICES), "environment": "prod",
              "customer": rng.choice(CUSTOMERS)}
    if team:
        labels["team"] = team
    if cc:
        labels["cost_center"] = cc
    if shape < 0.35:
        # Flat canonical counts (disjoint), owners under labels.
        rec["labels"] = labels
        rec.update(input_tokens=inp, output_tokens=out,
                   cache_read_tokens=rng.choice([0, 0, rng.randint(0, 20000)]),
                   cache_write_tokens=rng.choice([0, rng.randint(0, 5000)]))
    elif shape < 0.6 and provider == "anthropic":
        # Anthropic Messages usage object, with the 5m / 1h write split.
        rec["labels"] = labels
        w5, w1 = rng.randint(0, 3000), rng.choice([0, 0, rng.randint(1, 8000)])
        rec["usage"] = {"input_tokens": inp, "output_tokens": out,
                        "cache_read_input_tokens": rng.randint(0, 20000),
                        "cache_creation_input_tokens": w5 + w1,
                        "cache_creation": {"ephemeral_5m_input_tokens": w5,
                                           "ephemeral_1h_input_tokens": w1}}
    elif shape < 0.8:
        # OpenAI Chat Completions usage (cache-inclusive prompt_tokens),
        # owners as top-level fields.
        rec.update({k: v for k, v in labels.items()})
        cached = rng.randint(0, inp)
        rec["usage"] = {"prompt_tokens": inp, "completion_tokens": out,
                        "total_tokens": inp + out,
                        "prompt_tokens_details": {"cached_tokens": cached},
                        "completion_tokens_details": {"reasoning_tokens": rng.randint(0, out)}}
    else:
        # Owners as HTTP headers, flat counts.
        rec["headers"] = {"X-Team": team, "X-Cost-Center": cc, "x-service": labels["service"]}
        rec["headers"] = {k: v for k, v in rec["headers"].items() if v}
        rec.update(input_tokens=inp, output_tokens=out)
    rec["cost"] = round(rng.random() / 50, 8)  # the gateway's own figure
    rec["latency_ms"] = rng.randint(100, 30000)
    rec["user_agent"] = "python-httpx/0.27.0"
    return rec


def litellm_line(rng, rid, ts_ms):
    """One LiteLLM_SpendLogs row as JSON (docs/sources.md, litellm)."""
    provider, model = rng.choice(MODELS)
    team, cc = owners(rng)
    inp = rng.randint(1000, 30000)
    cr, cw = rng.randint(0, inp // 2), rng.randint(0, inp // 4)
    out = rng.randint(1, 3000)
    meta = {"user_api_key_alias": "%s-bot" % (team or "shared"),
            "spend_logs_metadata": {"service": rng.choice(SERVICES)},
            "usage_object": {"prompt_tokens": inp, "completion_tokens": out,
                             "cache_read_input_tokens": cr,
                             "cache_creation_input_tokens": cw}}
    if team:
        meta["user_api_key_team_alias"] = team
    if cc:
        meta["spend_logs_metadata"]["cost_center"] = cc
    return {"request_id": rid, "call_type": "acompletion", "api_key": "%064x" % rng.getrandbits(256),
            "spend": round(rng.random() / 40, 6), "total_tokens": inp + out,
            "prompt_tokens": inp, "completion_tokens": out,
            "startTime": iso(ts_ms)[:-1] + "000Z", "endTime": iso(ts_ms + 2000)[:-1] + "000Z",
            "model": "%s/%s" % (provider, model), "model_group": model.split("-20")[0],
            "custom_llm_provider": provider, "user": "u-%d" % rng.randint(1, 500),
            "end_user": rng.choice(CUSTOMERS), "request_tags": ["env:prod"],
            "status": "success", "metadata": meta}


def bulk(out, rng, mb, nfiles):
    """Overlapping time windows: file i covers [i*w - overlap, (i+1)*w), so
    the records of each overlap are logged by two files (same request_id;
    about a third of the second copies gained a cost center on the way, so
    the keep-rule's order decides the numbers)."""
    per_file = mb * 1024 * 1024 // nfiles
    window = MONTH * 1000 // nfiles
    overlap = window // 20
    tail = []  # the last file's overlap records: (ts, line)
    sizes = 0
    for i in range(nfiles):
        start = DAY0 * 1000 + i * window
        litellm = i % 4 == 3
        name = os.path.join(out, "part-%04d.jsonl.gz" % i)
        lines, size = [], 0
        carried = []
        for ts, rec in tail:
            rec = json.loads(json.dumps(rec))
            if rng.random() < 0.3:
                if "labels" in rec:
                    rec["labels"]["cost_center"] = "CC-9999"
                elif "metadata" in rec:
                    rec["metadata"]["spend_logs_metadata"]["cost_center"] = "CC-9999"
            carried.append((ts, json.dumps(rec, separators=(",", ":"))))
        body = []
        n = 0
        while size < per_file:
            ts = start + rng.randint(0, window - 1)
            rid = "req_%d_%06d_%08x" % (i, n, rng.getrandbits(32))
            n += 1
            rec = litellm_line(rng, rid, ts) if litellm else gateway_line(rng, rid, ts)
            text = json.dumps(rec, separators=(",", ":"))
            body.append((ts, rec, text))
            size += len(text) + 1
        body.sort(key=lambda b: b[0])
        lines = carried + [(ts, text) for ts, _, text in body]
        # Carried records must come from the same source shape as the file
        # (detection is per file): only carry into a file of the same kind.
        next_litellm = (i + 1) % 4 == 3
        tail = [(ts, rec) for ts, rec, _ in body if ts >= start + window - overlap]
        if litellm != next_litellm:
            tail = []
        data = "".join(text + "\n" for _, text in lines).encode()
        sizes += len(data)
        with gzip.open(name, "wb", compresslevel=1) as f:
            f.write(data)
    # A file shipped twice: the pipeline retried an upload under a new name.
    shutil.copy(os.path.join(out, "part-0005.jsonl.gz"),
                os.path.join(out, "part-0005-retry.jsonl.gz"))
    return sizes


EDGE = [
    # Half-micro ties: 25 x $0.10/MTok = $0.0000025, shown 0.000002
    # (half-even); HALF_UP would say 0.000003. 35 tokens: 0.000004 either way.
    '{"timestamp":"2026-10-20T10:00:00Z","request_id":"tie-1","provider":"anthropic","model":"claude-haiku-5-5","team":"tie","cost_center":"CC-TIE","input_tokens":25,"output_tokens":0}',
    '{"timestamp":"2026-10-20T11:00:00Z","request_id":"tie-2","provider":"anthropic","model":"claude-haiku-5-5","team":"tie2","cost_center":"CC-TIE2","input_tokens":35,"output_tokens":0}',
    '{"timestamp":"2026-10-21T11:00:00Z","request_id":"tie-3","provider":"anthropic","model":"claude-haiku-5-5","team":"tie3","cost_center":"CC-TIE3","input_tokens":25,"output_tokens":0}',
    '{"timestamp":"2026-10-21T12:00:00Z","request_id":"tie-4","provider":"anthropic","model":"claude-haiku-5-5","team":"tie3","cost_center":"CC-TIE3","input_tokens":20,"output_tokens":0}',
    # Offsets across midnight: 23:30 at -02:00 is the next UTC day; 02:00 at
    # +05:00 the previous one.
    '{"timestamp":"2026-10-05T23:30:00-02:00","request_id":"tz-1","provider":"openai","model":"gpt-4o","team":"night","cost_center":"CC-NIGHT","input_tokens":1000,"output_tokens":100}',
    '{"timestamp":"2026-10-06T02:00:00+05:00","request_id":"tz-2","provider":"openai","model":"gpt-4o","team":"night","cost_center":"CC-NIGHT","input_tokens":2000,"output_tokens":200}',
    '{"timestamp":"2026-10-31T23:59:59.999+00:00","request_id":"tz-3","provider":"openai","model":"gpt-4o","team":"night","cost_center":"CC-NIGHT","input_tokens":3,"output_tokens":1}',
    # Epoch milliseconds, as a number and as a string.
    '{"timestamp":1791331199999,"request_id":"ms-1","provider":"google","model":"gemini-2.0-flash","team":"epoch","cost_center":"CC-1042","input_tokens":1234,"output_tokens":56}',
    '{"timestamp":"1791331200000","request_id":"ms-2","provider":"google","model":"gemini-2.0-flash","team":"epoch","cost_center":"CC-1042","input_tokens":4321,"output_tokens":65}',
    # Numeric-string counts.
    '{"timestamp":"2026-10-12T08:00:00Z","request_id":"str-1","provider":"openai","model":"gpt-4o-mini-2024-07-18","team":"strings","cost_center":"CC-3107","input_tokens":"1200","output_tokens":"340","cache_read_tokens":"64"}',
    # A formula-like team: the CSV shows it as '=cmd.
    '{"timestamp":"2026-10-13T09:00:00Z","request_id":"f-1","provider":"openai","model":"gpt-4o","team":"=cmd","cost_center":"+CC","input_tokens":500,"output_tokens":50}',
    # An unpriced model: tokens counted, unpriced_requests 1, cost 0.
    '{"timestamp":"2026-10-14T09:00:00Z","request_id":"u-1","provider":"selfhosted","model":"acme-llm-7b","team":"search","cost_center":"CC-1042","input_tokens":900,"output_tokens":90}',
    '{"timestamp":"2026-10-14T09:05:00Z","request_id":"u-2","provider":"selfhosted","model":"acme-llm-7b","team":"search","cost_center":"CC-1042","input_tokens":100,"output_tokens":10}',
    # Identical lines without a request_id: never deduped, all three count.
    '{"timestamp":"2026-10-15T09:00:00Z","provider":"openai","model":"gpt-4o","team":"noid","cost_center":"CC-2200","input_tokens":777,"output_tokens":7}',
    '{"timestamp":"2026-10-15T09:00:00Z","provider":"openai","model":"gpt-4o","team":"noid","cost_center":"CC-2200","input_tokens":777,"output_tokens":7}',
    '{"timestamp":"2026-10-15T09:00:00Z","provider":"openai","model":"gpt-4o","team":"noid","cost_center":"CC-2200","input_tokens":777,"output_tokens":7}',
    # 1-hour cache writes (Anthropic usage object).
    '{"timestamp":"2026-10-16T09:00:00Z","request_id":"1h-1","provider":"anthropic","model":"claude-sonnet-4-5-20250929","team":"cache","cost_center":"CC-5001","usage":{"input_tokens":10,"output_tokens":20,"cache_read_input_tokens":300,"cache_creation_input_tokens":4000,"cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":3000}}}',
    # A duplicate of an id inside this file: the first one counts.
    '{"timestamp":"2026-10-16T09:00:00Z","request_id":"1h-1","provider":"anthropic","model":"claude-sonnet-4-5-20250929","team":"cache","cost_center":"CC-5001","input_tokens":99999,"output_tokens":1}',
    # Malformed: not JSON, a negative count, no timestamp.
    '{"timestamp":"2026-10-17T09:00:00Z","request_id":"bad-1","model":"gpt-4o",',
    '{"timestamp":"2026-10-17T09:00:00Z","request_id":"bad-2","provider":"openai","model":"gpt-4o","team":"bad","input_tokens":-5,"output_tokens":1}',
    '{"request_id":"bad-3","provider":"openai","model":"gpt-4o","team":"bad","input_tokens":5,"output_tokens":1}',
    # A blank line follows.
    '',
    '{"timestamp":"2026-10-18T09:00:00Z","request_id":"last","provider":"openai","model":"gpt-4o","team":"search","cost_center":"CC-1042","input_tokens":1,"output_tokens":1}',
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=int, default=52)
    ap.add_argument("--files", type=int, default=22)
    ap.add_argument("--seed", type=int, default=20)
    a = ap.parse_args()
    logs = os.path.join(a.out, "logs")
    if os.path.exists(logs):
        shutil.rmtree(logs)
    os.makedirs(logs)
    rng = random.Random(a.seed)
    raw = bulk(logs, rng, a.mb, a.files)
    with open(os.path.join(logs, "edge.jsonl"), "w") as f:
        f.write("".join(line + "\n" for line in EDGE))
    print("generated %d raw bytes in %d gzipped files (+1 re-shipped) and edge.jsonl"
          % (raw, a.files))


if __name__ == "__main__":
    main()
