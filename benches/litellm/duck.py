#!/usr/bin/env python3
"""DuckDB equivalent of `llmspend report FILE --by DIMS --format csv` for
LiteLLM_SpendLogs exports (JSONL from row_to_json, or COPY ... CSV HEADER).

  duck.py FILE PRICES.csv [--by team,model|wide] [--threads N] [--no-dedupe] [-o OUT.csv]

DIMS: team,model (default) or wide = team,cost_center,service,model,day.
Writes llmspend's CSV columns (dims, requests, input_tokens, output_tokens,
cache_read_tokens, cache_write_tokens, cost_usd; missing dims as
"(unattributed)"; cost exact in DECIMAL, rounded half-even to 6 places at the
end, unpriced models cost 0) and prints a one-line summary to stderr:
rows read, requests, duplicates dropped, rows without cost_center, cost.

Semantics, as llmspend documents them (docs/sources.md, litellm,
and src/sources/litellm.rs):
- team: metadata.user_api_key_team_alias, else team_id, else
  metadata.user_api_key_team_id, else metadata.spend_logs_metadata.team,
  else the first request tag `team:VALUE` (blank values count as missing);
- cost_center / service: spend_logs_metadata.cost_center / .service, else a
  `cost_center:` / `service:` tag;
- model: `model`, else `model_group`;
- tokens: prompt_tokens is cache-inclusive (Anthropic too). From
  metadata.usage_object: cache read = prompt_tokens_details.cached_tokens
  (else cache_read_input_tokens), cache write = cache_creation_input_tokens
  split into 1-hour (prompt_tokens_details.cache_creation_token_details.
  ephemeral_1h_input_tokens) and 5-minute (the rest); uncached input =
  prompt - read - writes. Without usage_object: top-level counts less the
  cache counts of metadata.additional_usage_values (same rules);
- cache_hit = 'True' (LiteLLM's own response cache): no billed tokens;
- price: the rate-card row of the model, or its long-context row when
  uncached + cache read + cache write > above (whole request at that row);
- dedupe by request_id: one row per id (duplicates in this data are exact
  copies, so which copy is kept does not matter); rows without an id kept.
"""
import argparse
import decimal
import sys
import time

import duckdb

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("prices")
ap.add_argument("--by", default="team,model")
ap.add_argument("--threads", type=int, default=0)
ap.add_argument("--no-dedupe", action="store_true")
ap.add_argument("-o", "--out", default="-")
a = ap.parse_args()
t0 = time.time()
wide = a.by == "wide" or a.by == "team,cost_center,service,model,day"
con = duckdb.connect()
if a.threads:
    con.execute(f"SET threads={a.threads}")
con.execute("SET TimeZone='UTC'")
con.execute(f"""CREATE TEMP TABLE prices AS SELECT * FROM read_csv('{a.prices}', header=true, columns={{
  'model':'VARCHAR','input':'DECIMAL(18,6)','output':'DECIMAL(18,6)','cache_read':'DECIMAL(18,6)',
  'cache_write':'DECIMAL(18,6)','cache_write_1h':'DECIMAL(18,6)','above':'BIGINT'}})""")

USAGE = """STRUCT(prompt_tokens BIGINT, completion_tokens BIGINT, cache_read_input_tokens BIGINT,
  cache_creation_input_tokens BIGINT,
  prompt_tokens_details STRUCT(cached_tokens BIGINT, cache_write_tokens BIGINT,
    cache_creation_token_details STRUCT(ephemeral_5m_input_tokens BIGINT, ephemeral_1h_input_tokens BIGINT)),
  cache_creation STRUCT(ephemeral_5m_input_tokens BIGINT, ephemeral_1h_input_tokens BIGINT))"""
META = f"""STRUCT(user_api_key_team_alias VARCHAR, user_api_key_team_id VARCHAR,
  spend_logs_metadata STRUCT(team VARCHAR, cost_center VARCHAR, service VARCHAR),
  usage_object {USAGE}, additional_usage_values {USAGE})"""

U_JSON = ('{"prompt_tokens":"BIGINT","completion_tokens":"BIGINT","cache_read_input_tokens":"BIGINT",'
          '"cache_creation_input_tokens":"BIGINT","prompt_tokens_details":{"cached_tokens":"BIGINT",'
          '"cache_write_tokens":"BIGINT","cache_creation_token_details":{"ephemeral_5m_input_tokens":"BIGINT",'
          '"ephemeral_1h_input_tokens":"BIGINT"}},"cache_creation":{"ephemeral_5m_input_tokens":"BIGINT",'
          '"ephemeral_1h_input_tokens":"BIGINT"}}')
META_JSON = ('{"user_api_key_team_alias":"VARCHAR","user_api_key_team_id":"VARCHAR",'
             '"spend_logs_metadata":{"team":"VARCHAR","cost_center":"VARCHAR","service":"VARCHAR"},'
             f'"usage_object":{U_JSON},"additional_usage_values":{U_JSON}}}')

if a.file.endswith(".csv"):
    # database CSV: JSON columns are JSON text in a cell
    src = f"""SELECT request_id, startTime, model, model_group, team_id, cache_hit,
        TRY_CAST(prompt_tokens AS BIGINT) AS prompt_tokens,
        TRY_CAST(completion_tokens AS BIGINT) AS completion_tokens,
        from_json(request_tags, '["VARCHAR"]') AS request_tags,
        from_json(metadata, '{META_JSON}') AS metadata
      FROM read_csv('{a.file}', header=true, all_varchar=true, strict_mode=false,
                    ignore_errors=true, null_padding=false)
      WHERE startTime IS NOT NULL"""
else:
    src = f"""SELECT * FROM read_ndjson('{a.file}', ignore_errors=true, columns={{
      'request_id':'VARCHAR','startTime':'VARCHAR','model':'VARCHAR','model_group':'VARCHAR',
      'team_id':'VARCHAR','cache_hit':'VARCHAR','prompt_tokens':'BIGINT','completion_tokens':'BIGINT',
      'request_tags':'VARCHAR[]','metadata':'{META.replace(chr(10), ' ')}'}})"""


def nz(x):
    return f"NULLIF(trim({x}), '')"


def tag(key):
    # first `key:value` / `key=value` tag with a non-blank value
    return f"""list_filter(list_transform(request_tags, lambda t: CASE
        WHEN trim(regexp_extract(t, '^([^:=]*)[:=]', 1)) = '{key}'
        THEN NULLIF(trim(regexp_extract(t, '^[^:=]*[:=](.*)$', 1)), '') END), lambda v: v IS NOT NULL)[1]"""


def usage_cols(u):
    # OpenAI-shaped (prompt_tokens present): cache-inclusive, both kinds subtracted
    read = f"COALESCE({u}.prompt_tokens_details.cached_tokens, {u}.cache_read_input_tokens, 0)"
    write = f"COALESCE({u}.prompt_tokens_details.cache_write_tokens, {u}.cache_creation_input_tokens)"
    h = f"COALESCE({u}.prompt_tokens_details.cache_creation_token_details.ephemeral_1h_input_tokens, {u}.cache_creation.ephemeral_1h_input_tokens)"
    f5 = f"COALESCE({u}.prompt_tokens_details.cache_creation_token_details.ephemeral_5m_input_tokens, {u}.cache_creation.ephemeral_5m_input_tokens)"
    w1 = f"CASE WHEN {write} IS NOT NULL THEN COALESCE({h}, 0) ELSE COALESCE({h}, 0) END"
    w5 = f"CASE WHEN {write} IS NOT NULL THEN {write} - COALESCE({h}, 0) ELSE COALESCE({f5}, 0) END"
    return read, w5, w1


ur, uw5, uw1 = usage_cols("metadata.usage_object")
ar, aw5, aw1 = usage_cols("metadata.additional_usage_values")
has_uo = "metadata.usage_object.prompt_tokens IS NOT NULL"
hit = "lower(trim(COALESCE(cache_hit, ''))) = 'true'"
rows = f"""
WITH r AS ({src}),
x AS (
  SELECT {nz('request_id')} AS rid,
    CAST(startTime AS TIMESTAMP) AS ts,
    COALESCE({nz('model')}, {nz('model_group')}) AS model,
    COALESCE({nz('metadata.user_api_key_team_alias')}, {nz('team_id')}, {nz('metadata.user_api_key_team_id')},
             {nz('metadata.spend_logs_metadata.team')}, {tag('team')}) AS team,
    COALESCE({nz('metadata.spend_logs_metadata.cost_center')}, {tag('cost_center')}) AS cost_center,
    COALESCE({nz('metadata.spend_logs_metadata.service')}, {tag('service')}) AS service,
    CASE WHEN {has_uo} THEN metadata.usage_object.prompt_tokens ELSE COALESCE(prompt_tokens, 0) END AS p,
    CASE WHEN {has_uo} THEN COALESCE(metadata.usage_object.completion_tokens, 0) ELSE COALESCE(completion_tokens, 0) END AS o,
    CASE WHEN {has_uo} THEN {ur} ELSE {ar} END AS cr,
    CASE WHEN {has_uo} THEN {uw5} ELSE {aw5} END AS w5,
    CASE WHEN {has_uo} THEN {uw1} ELSE {aw1} END AS w1,
    {hit} AS hit
  FROM r),
y AS (
  SELECT * REPLACE (CASE WHEN hit THEN 0 ELSE o END AS o, CASE WHEN hit THEN 0 ELSE cr END AS cr,
                    CASE WHEN hit THEN 0 ELSE w5 END AS w5, CASE WHEN hit THEN 0 ELSE w1 END AS w1),
         CASE WHEN hit THEN 0 ELSE p - cr - w5 - w1 END AS i
  FROM x WHERE ts IS NOT NULL AND p - cr - w5 - w1 >= 0 AND o >= 0),
d AS ({"SELECT * FROM y" if a.no_dedupe else
       "SELECT * FROM y QUALIFY rid IS NULL OR row_number() OVER (PARTITION BY rid) = 1"}),
priced AS (
  SELECT d.*,
    COALESCE(lc.input, b.input) AS p_in, COALESCE(lc.output, b.output) AS p_out,
    COALESCE(lc.cache_read, b.cache_read) AS p_cr, COALESCE(lc.cache_write, b.cache_write) AS p_w5,
    COALESCE(lc.cache_write_1h, b.cache_write_1h) AS p_w1
  FROM d
  LEFT JOIN prices b ON b.model = d.model AND b.above IS NULL
  LEFT JOIN prices lc ON lc.model = d.model AND lc.above IS NOT NULL AND d.i + d.cr + d.w5 + d.w1 > lc.above)
SELECT {"team, cost_center, service, model, strftime(ts, '%Y-%m-%d') AS day" if wide else "team, model"},
  count(*) AS requests, sum(i) AS input_tokens, sum(o) AS output_tokens, sum(cr) AS cache_read_tokens,
  sum(w5 + w1) AS cache_write_tokens,
  sum(i * p_in + o * p_out + cr * p_cr + w5 * p_w5 + w1 * p_w1) AS micro,
  count(*) FILTER (WHERE cost_center IS NULL) AS no_cc
FROM priced GROUP BY ALL"""
res = con.execute(rows).fetchall()
ndims = 5 if wide else 2
q = decimal.Decimal("0.000001")
out_rows = []
tot_req = tot_nocc = 0
tot_cost = decimal.Decimal(0)
for r in res:
    micro = r[ndims + 5]
    cost = (decimal.Decimal(micro) / 1000000 if micro is not None else decimal.Decimal(0)).quantize(
        q, rounding=decimal.ROUND_HALF_EVEN)
    dims = ["(unattributed)" if v is None else v for v in r[:ndims]]
    out_rows.append(dims + list(r[ndims:ndims + 5]) + [cost])
    tot_req += r[ndims]
    tot_nocc += r[ndims + 6]
    tot_cost += cost
out_rows.sort(key=lambda x: (-x[-1], x[:ndims]))
hdr = (["team", "cost_center", "service", "model", "day"] if wide else ["team", "model"]) + [
    "requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd"]
f = sys.stdout if a.out == "-" else open(a.out, "w")
f.write(",".join(hdr) + "\n")
for r in out_rows:
    f.write(",".join(str(v) for v in r) + "\n")
f.flush()
print(f"duckdb {duckdb.__version__}: groups={len(out_rows)} requests={tot_req} no_cost_center={tot_nocc} "
      f"cost_usd={tot_cost} dedupe={'off' if a.no_dedupe else 'on'} {time.time() - t0:.2f}s", file=sys.stderr)
