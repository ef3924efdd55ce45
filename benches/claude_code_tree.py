#!/usr/bin/env python3
"""Writes a synthetic Claude Code projects/ tree for timing llmspend against
ccusage: assistant lines (30% repeated as content-block splits with the same
message.id + requestId), user tool results with large content. Seeded.

Usage: claude_code_tree.py ROOT FILES LINES_PER_FILE
"""
# A synthetic Claude Code projects/ tree: assistant lines (some repeated as
# streaming snapshots), user tool results with big content, for timing.
import json, random, os, sys
random.seed(7)
root = sys.argv[1]; files = int(sys.argv[2]); lines_per = int(sys.argv[3])
models = ["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805"]
blob = "x" * 3000
n = 0
for f in range(files):
    proj = os.path.join(root, "projects", f"-home-u-proj{f % 20}")
    os.makedirs(proj, exist_ok=True)
    sid = f"{f:08x}-0000-4000-8000-{f:012x}"
    with open(os.path.join(proj, sid + ".jsonl"), "w") as out:
        for i in range(lines_per):
            n += 1
            day = 1 + (n // 5000) % 28
            ts = f"2026-10-{day:02d}T{(n // 60) % 24:02d}:{n % 60:02d}:00.000Z"
            if random.random() < 0.45:
                out.write(json.dumps({"parentUuid": f"a{n}", "isSidechain": False, "userType": "external", "cwd": f"/home/u/proj{f%20}", "sessionId": sid, "version": "2.0.74", "type": "user", "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{n}", "content": blob[: random.randint(200, 3000)]}]}, "uuid": f"u{n}", "timestamp": ts}, separators=(",", ":")) + "\n")
                continue
            usage = {"input_tokens": random.randint(1, 50), "cache_creation_input_tokens": random.randint(0, 5000), "cache_read_input_tokens": random.randint(0, 80000), "output_tokens": random.randint(1, 2000), "service_tier": "standard"}
            usage["cache_creation"] = {"ephemeral_5m_input_tokens": usage["cache_creation_input_tokens"], "ephemeral_1h_input_tokens": 0}
            line = {"parentUuid": f"u{n}", "isSidechain": False, "userType": "external", "cwd": f"/home/u/proj{f%20}", "sessionId": sid, "version": "2.0.74", "gitBranch": "main", "message": {"id": f"msg_{n:010d}", "type": "message", "role": "assistant", "model": random.choice(models), "content": [{"type": "text", "text": "ok " * random.randint(5, 80)}], "stop_reason": None, "stop_sequence": None, "usage": usage}, "requestId": f"req_{n:010d}", "type": "assistant", "uuid": f"a{n}", "timestamp": ts}
            out.write(json.dumps(line, separators=(",", ":")) + "\n")
            if random.random() < 0.3:  # a content-block split: same ids and usage
                out.write(json.dumps(line, separators=(",", ":")) + "\n")
print(n)
