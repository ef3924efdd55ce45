-- `llmspend report --by team,model --format csv`, byte for byte, over the view
-- `usage` (normalize's Parquet; usage_dedupe.sql for several runs), with
-- the macros of csv_cells.sql. cost_usd is DECIMAL(38,12): summed exactly
-- and rounded once, half-even (round_even: DuckDB's round is half-up).
-- The header is the column's name; each row is one CSV line.
SELECT concat_ws(',', csv_cell(team), csv_cell(model),
         requests, input_tokens, output_tokens,
         cache_read_tokens, cache_write_tokens,
         round_even(cost, 6), unpriced_requests)
       AS "team,model,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests"
FROM (
  SELECT team, model,
         sum(requests) AS requests, sum(input_tokens) AS input_tokens,
         sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
         -- The report's cache_write_tokens is all writes, 5-minute and 1-hour.
         sum(cache_write_tokens + cache_write_1h_tokens) AS cache_write_tokens,
         sum(cost_usd) AS cost,
         sum(CASE WHEN priced THEN 0 ELSE requests END) AS unpriced_requests
  FROM usage
  GROUP BY team, model
)
-- Exact cost descending, then the values as shown, then missing first.
ORDER BY cost DESC, coalesce(team, '(unattributed)'), coalesce(model, '(unattributed)'), team IS NOT NULL, model IS NOT NULL;
