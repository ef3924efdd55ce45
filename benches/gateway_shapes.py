#!/usr/bin/env python3
"""Gateway logs of two shapes that llmspend's own generator (genlogs) does not
write, for benches/uniform.sh:

  uniform  one gateway, one template: every line has the same keys in the
           same order (flat timestamp, request_id, provider, model, the three
           OpenAI-style counts, status, latency, a small metadata object,
           sometimes a user agent), the shape of a single in-house proxy's
           access log;
  users    a B2C product's log: every request from a different end user,
           routes with ids in their paths, as `--by user` bills them.

Counts are the three flat OpenAI-style ones (prompt, completion, total), with
no cache split, as such proxies log them. Seeded, so a size and seed always give the same bytes.

  python3 benches/gateway_shapes.py --shape uniform --bytes 1G --seed 11 > u.jsonl
  python3 benches/gateway_shapes.py --shape users --lines 1000000 > users-1m.jsonl
"""
import argparse
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone

MODELS = [
    ("openai", "gpt-4o-mini", 40), ("openai", "gpt-4o", 15), ("openai", "gpt-4.1", 8),
    ("openai", "gpt-4.1-mini", 10), ("anthropic", "claude-sonnet-4-5", 12),
    ("anthropic", "claude-haiku-4-5", 8), ("openai", "o4-mini", 4), ("openai", "gpt-5", 3),
]
TEAMS = ["search", "support", "growth", "platform", "ml-infra", "billing", "mobile", "ads"]
SERVICES = ["ranker", "chat", "summarizer", "classifier", "agent", "rag", "moderation"]
AGENTS = ["openai-python/1.54.3", "openai-node/4.71.0", "anthropic-sdk-python/0.39.0",
          "curl/8.5.0", "Go-http-client/2.0"]


def size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", choices=["uniform", "users"], required=True)
    ap.add_argument("--bytes", help="stop past this size (e.g. 1G, 512M)")
    ap.add_argument("--lines", type=int, help="stop after this many lines")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if (args.bytes is None) == (args.lines is None):
        ap.error("give one of --bytes and --lines")
    limit = size(args.bytes) if args.bytes else float("inf")
    max_lines = args.lines or float("inf")
    weights = [w for _, _, w in MODELS]
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    span = 31 * 86400
    out = sys.stdout
    written = 0
    n = 0
    buf = []
    while written < limit and n < max_lines:
        n += 1
        provider, model, _ = rng.choices(MODELS, weights)[0]
        at = start + timedelta(seconds=rng.random() * span)
        ts = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
        rid = uuid.UUID(int=rng.getrandbits(128), version=4)
        prompt = rng.randint(20, 8000)
        completion = rng.randint(1, 1500)
        status = "success" if rng.random() > 0.02 else "error"
        if args.shape == "uniform":
            team = rng.choice(TEAMS)
            meta = (f'{{"team":"{team}","cost_center":"cc-{100 + TEAMS.index(team)}",'
                    f'"service":"{rng.choice(SERVICES)}","environment":"{"prod" if rng.random() < 0.8 else "staging"}"'
                    + (f',"feature":"f{rng.randint(1, 40)}"' if rng.random() < 0.5 else "") + "}")
            line = (f'{{"timestamp":"{ts}","request_id":"{rid}","provider":"{provider}",'
                    f'"model":"{model}","prompt_tokens":{prompt},"completion_tokens":{completion},'
                    f'"total_tokens":{prompt + completion},'
                    f'"status":"{status}","latency_ms":{rng.randint(80, 30000)},"metadata":{meta}'
                    + (f',"user_agent":"{rng.choice(AGENTS)}"' if rng.random() < 0.6 else "")
                    + "}\n")
        else:
            route = rng.choice((f"/v1/chat/{rng.getrandbits(40):x}/messages",
                                f"/api/users/{n}/summarize", f"/api/docs/{rng.getrandbits(32)}/ask"))
            line = (f'{{"timestamp":"{ts}","request_id":"{rid}","provider":"{provider}",'
                    f'"model":"{model}","prompt_tokens":{prompt},"completion_tokens":{completion},'
                    f'"user":"user-{n:08d}","route":"{route}","team":"consumer-app",'
                    f'"status":"{status}"}}\n')
        buf.append(line)
        written += len(line)
        if len(buf) >= 4096:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))


if __name__ == "__main__":
    main()
