#!/usr/bin/env python3
"""A heavy Claude Code user's `projects/` tree, written from the transcript
format as documented (docs/sources.md, claude-code), not from the other
tree generator: thousands of session files and subagent transcripts,
small and mid-size, where most bytes are tool results.

Shapes written (Claude Code 2.x, compact JSON, one object a line):
- `<project>/<session-uuid>.jsonl`: a `summary` line, `file-history-snapshot`
  lines, user prompts, assistant responses written one line per content
  block (thinking, text, tool_use) with the same `message.id`, `requestId`
  and `usage`, user `tool_result` lines whose content (and the copy in
  `toolUseResult`) runs from a few KB to tens of KB, `system` compaction
  lines and `<synthetic>` API-error lines with zero usage.
- A Task tool call runs a subagent: its transcript goes to
  `<project>/<session-uuid>/subagents/agent-<id>.jsonl` (`isSidechain`
  true, the parent's `sessionId`); each of its responses is copied into the
  parent as a `type:"progress"` line (`data.message.message.usage`), and
  the Task result's `toolUseResult.usage` repeats the subagent's total.
  Neither copy is a response: only the subagent file's lines count.
- A resumed session starts with copies of lines of an earlier session of
  the same project (same `message.id` + `requestId`) under its own
  `sessionId`.

Seeded; prints what it wrote (files, bytes, share of bytes on lines with
the text "usage", responses).

Usage: claude_code_heavy.py ROOT [SESSIONS] [SEED]   (default 1050 sessions:
about 5,400 files, 1 GB)
"""
import json
import os
import random
import sys
import uuid

root = sys.argv[1]
sessions = int(sys.argv[2]) if len(sys.argv) > 2 else 1050
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 18
rng = random.Random(seed)


def uid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def dumps(o):
    return json.dumps(o, separators=(",", ":"), ensure_ascii=False)


# Text for tool results: code and shell output with quotes, backslashes,
# tabs and non-ASCII, so the JSON strings carry escapes as real ones do.
words = ("fn let match impl return self Result Option Vec String error "
         "warning compiling test passed failed ok src lib main crate use "
         "pub struct enum const mod async await données résumé 数据").split()
corpus_lines = []
for i in range(20000):
    k = rng.randint(2, 14)
    line = " ".join(rng.choice(words) for _ in range(k))
    r = rng.random()
    if r < 0.15:
        line = f'    let s = "{line}";'
    elif r < 0.25:
        line = f"\t{line} \\\\ path\\\\to\\\\file"
    elif r < 0.3:
        line = f"{i:6}\u2192{line}"
    corpus_lines.append(line)
CORPUS = "\n".join(corpus_lines)


def text(n):
    start = rng.randrange(0, len(CORPUS) - n - 1)
    return CORPUS[start:start + n]


def lognormal_bytes(median, sigma, lo, hi):
    return int(min(hi, max(lo, rng.lognormvariate(0, sigma) * median)))


MAIN_MODELS = ["claude-sonnet-4-5-20250929"] * 6 + ["claude-opus-4-5-20251101"] * 3 + [
    "claude-opus-4-1-20250805"]
SUB_MODELS = ["claude-haiku-4-5-20251001"] * 3 + ["claude-sonnet-4-5-20250929"]
TOOLS = ["Read", "Bash", "Grep", "Edit", "Glob", "Write"]

stats = {"files": 0, "bytes": 0, "usage_bytes": 0, "responses": 0, "lines": 0}


class Clock:
    """Timestamps moving forward within a session, over Oct-Nov 2026."""

    def __init__(self):
        self.t = rng.randint(0, 60 * 86400)

    def tick(self, lo=1, hi=40):
        self.t += rng.randint(lo, hi)
        d, s = divmod(self.t, 86400)
        month, day = (10, d + 1) if d < 31 else (11, d - 30)
        month, day = (month, day) if day <= 30 else (12, day - 30)
        return (f"2026-{month:02d}-{day:02d}T{s // 3600:02d}:{s // 60 % 60:02d}:"
                f"{s % 60:02d}.{rng.randint(0, 999):03d}Z")


def usage(model_is_sub):
    u = {
        "input_tokens": rng.randint(1, 40),
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": rng.randint(8000, 160000),
        "output_tokens": rng.randint(1, 1800),
        "service_tier": "standard",
    }
    w5 = rng.choice([0, 0, rng.randint(100, 9000)])
    w1 = 0 if model_is_sub else rng.choice([0, 0, 0, rng.randint(100, 4000)])
    u["cache_creation_input_tokens"] = w5 + w1
    u["cache_creation"] = {"ephemeral_5m_input_tokens": w5, "ephemeral_1h_input_tokens": w1}
    return u


class Writer:
    def __init__(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.f = open(path, "w", encoding="utf-8")
        self.lines = []  # (line, has_response) kept for resumed copies
        stats["files"] += 1

    def put(self, obj):
        s = dumps(obj) + "\n"
        self.f.write(s)
        n = len(s.encode("utf-8"))
        stats["bytes"] += n
        stats["lines"] += 1
        if '"usage"' in s:
            stats["usage_bytes"] += n
        return s

    def close(self):
        self.f.close()


class Session:
    def __init__(self, project, cwd, sid, clock, writer, sidechain=None, agent=None):
        self.project, self.cwd, self.sid = project, cwd, sid
        self.clock, self.w = clock, writer
        self.sidechain, self.agent = sidechain, agent
        self.parent = None
        self.copies = []  # lines a resumed session may copy

    def base(self, kind, same_second=False):
        b = {"parentUuid": self.parent, "isSidechain": self.sidechain is not None,
             "userType": "external", "cwd": self.cwd, "sessionId": self.sid,
             "version": "2.0.74", "gitBranch": "main"}
        if self.agent:
            b["agentId"] = self.agent
        b["type"] = kind
        u = uid()
        b["uuid"] = u
        # The content blocks of one response are written as it streams:
        # within the same second.
        b["timestamp"] = self.clock.tick(0, 0) if same_second else self.clock.tick()
        self.parent = u
        return b

    def user_prompt(self):
        b = self.base("user")
        b["message"] = {"role": "user", "content": text(rng.randint(40, 600))}
        self.w.put(b)

    def response(self, model, blocks, sub=False):
        """One response: one line per content block, same ids and usage."""
        msg_id = "msg_01" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789") for _ in range(22))
        req = "req_011C" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789") for _ in range(20))
        u = usage(sub)
        out = []
        for n, block in enumerate(blocks):
            if block == "thinking":
                content = [{"type": "thinking", "thinking": text(rng.randint(100, 1500)), "signature": "Eu8B" + "x" * 300}]
            elif block == "text":
                content = [{"type": "text", "text": text(rng.randint(50, 1200))}]
            else:
                content = [{"type": "tool_use", "id": "toolu_01" + uid().replace("-", "")[:22], "name": block,
                            "input": {"command": text(rng.randint(20, 200))} if block != "Task" else
                            {"description": "explore the code", "prompt": text(rng.randint(200, 800)), "subagent_type": "general-purpose"}}]
            b = self.base("assistant", same_second=n > 0)
            b["message"] = {"model": model, "id": msg_id, "type": "message", "role": "assistant",
                            "content": content, "stop_reason": None, "stop_sequence": None, "usage": u}
            b["requestId"] = req
            # requestId sits before type in real lines; order does not matter to JSON.
            s = self.w.put(b)
            out.append(b)
            self.copies.append(s)
        stats["responses"] += 1
        return out, u

    def tool_result(self, tool, size):
        body = text(size)
        b = self.base("user")
        b["message"] = {"role": "user", "content": [{"tool_use_id": "toolu_01" + uid().replace("-", "")[:22], "type": "tool_result", "content": body}]}
        if tool == "Read":
            b["toolUseResult"] = {"type": "text", "file": {"filePath": self.cwd + "/src/lib.rs", "content": body, "numLines": body.count("\n") + 1, "startLine": 1, "totalLines": 900}}
        else:
            b["toolUseResult"] = {"stdout": body, "stderr": "", "interrupted": False, "isImage": False}
        self.w.put(b)

    def snapshot(self):
        b = {"type": "file-history-snapshot", "messageId": uid(), "snapshot": {
            "messageId": uid(), "trackedFileBackups": {
                f"src/f{i}.rs": {"backupFileName": uid()[:16] + "@v2", "version": 2, "backupTime": self.clock.tick(0, 0)}
                for i in range(rng.randint(1, 30))}, "timestamp": self.clock.tick(0, 0)}, "isSnapshotUpdate": False}
        self.w.put(b)

    def synthetic(self):
        b = self.base("assistant")
        b["message"] = {"id": uid(), "model": "<synthetic>", "role": "assistant", "stop_reason": "stop_sequence", "stop_sequence": "", "type": "message",
                        "usage": {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "server_tool_use": {"web_search_requests": 0}, "service_tier": None},
                        "content": [{"type": "text", "text": "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"}]}
        b["isApiErrorMessage"] = True
        self.w.put(b)

    def compact(self):
        b = self.base("system")
        b.update({"subtype": "compact_boundary", "content": "Conversation compacted", "isMeta": False, "level": "info",
                  "compactMetadata": {"trigger": "auto", "preTokens": rng.randint(150000, 170000)}})
        self.w.put(b)

    def task(self, model):
        """A Task tool call: the subagent's own file, progress copies here,
        and a tool result with toolUseResult.usage."""
        _, _ = self.response(model, ["Task"])
        agent = uid()[:8]
        path = os.path.join(self.project, self.sid, "subagents", f"agent-{agent}.jsonl")
        sw = Writer(path)
        sub = Session(self.project, self.cwd, self.sid, self.clock, sw, sidechain=True, agent=agent)
        sub_model = rng.choice(SUB_MODELS)
        total = {"input_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 0}
        sub.user_prompt()
        for _ in range(lognormal_bytes(8, 0.8, 1, 60)):
            lines, u = sub.response(sub_model, rng.choice([["text"], ["tool_use"], ["thinking", "Grep"], ["Read"]]), sub=True)
            for k in total:
                total[k] = u[k]  # the last response's usage, as Claude Code reports it
            for line in lines:
                p = self.base("progress")
                p["data"] = {"message": {"type": "assistant", "message": line["message"], "requestId": line["requestId"],
                                         "uuid": line["uuid"], "timestamp": line["timestamp"]},
                             "type": "agent_progress", "prompt": "explore the code", "agentId": agent}
                p["toolUseID"] = "toolu_01" + uid().replace("-", "")[:22]
                p["parentToolUseID"] = p["toolUseID"]
                self.w.put(p)
            if rng.random() < 0.6:
                sub.tool_result(rng.choice(TOOLS), lognormal_bytes(3000, 1.0, 200, 40000))
        sw.close()
        b = self.base("user")
        result = text(rng.randint(300, 3000))
        b["message"] = {"role": "user", "content": [{"tool_use_id": "toolu_01" + uid().replace("-", "")[:22], "type": "tool_result", "content": [{"type": "text", "text": result}]}]}
        b["toolUseResult"] = {"status": "completed", "prompt": "explore the code", "agentId": agent,
                              "content": [{"type": "text", "text": result}], "totalDurationMs": rng.randint(5000, 400000),
                              "totalTokens": sum(total.values()), "totalToolUseCount": rng.randint(1, 30), "usage": dict(total, service_tier="standard")}
        self.w.put(b)


projects = [(f"-home-dev-work-repo{p}", f"/home/dev/work/repo{p}") for p in range(24)]
by_project = {}
for s in range(sessions):
    pname, cwd = rng.choice(projects)
    pdir = os.path.join(root, "projects", pname)
    sid = uid()
    w = Writer(os.path.join(pdir, sid + ".jsonl"))
    ses = Session(pdir, cwd, sid, Clock(), w)
    earlier, earlier_sid = by_project.get(pname, (None, None))
    if earlier and rng.random() < 0.12:
        # A resumed session: copies of an earlier session's lines, as written.
        w.put({"type": "summary", "summary": "Resumed work on the parser", "leafUuid": uid()})
        for line in earlier[: rng.randint(1, max(1, len(earlier)))]:
            line = line.replace(earlier_sid, sid)
            w.f.write(line)
            n = len(line.encode("utf-8"))
            stats["bytes"] += n
            stats["lines"] += 1
            stats["usage_bytes"] += n
    elif rng.random() < 0.5:
        w.put({"type": "summary", "summary": "Refactor the scanner", "leafUuid": uid()})
    model = rng.choice(MAIN_MODELS)
    turns = lognormal_bytes(6, 0.9, 1, 80)
    for t in range(turns):
        if rng.random() < 0.3:
            ses.snapshot()
        ses.user_prompt()
        for step in range(lognormal_bytes(4, 0.7, 1, 30)):
            r = rng.random()
            if r < 0.1:
                ses.task(model)
            elif r < 0.7:
                tool = rng.choice(TOOLS)
                ses.response(model, rng.choice([["thinking", tool], ["text", tool], [tool]]))
                ses.tool_result(tool, lognormal_bytes(4500, 1.1, 150, 90000))
            else:
                ses.response(model, rng.choice([["text"], ["thinking", "text"]]))
            if rng.random() < 0.004:
                ses.synthetic()
        if rng.random() < 0.03:
            ses.compact()
    w.close()
    by_project[pname] = (ses.copies, sid)

print(f"files {stats['files']} bytes {stats['bytes']} lines {stats['lines']} responses {stats['responses']} "
      f"bytes_on_usage_lines {stats['usage_bytes'] / stats['bytes']:.2f}")
