-- `llmspend report --by day,cost_center --format csv`, byte for byte, over the view
-- `usage` (normalize's Parquet; usage_dedupe.sql for several runs), with
-- the functions of csv_cells.sql. cost_usd is DECIMAL(38,12): summed
-- exactly and rounded once, half-even (bround: Spark's round is HALF_UP).
-- The header is the column's name; each row is one CSV line.
-- `day` is the column normalize wrote (the date in its --tz): never derive
-- it from `timestamp`, whose date depends on the session's time zone.
SELECT concat_ws(',', CAST(day AS STRING), csv_cell(cost_center),
         CAST(requests AS STRING), CAST(input_tokens AS STRING), CAST(output_tokens AS STRING),
         CAST(cache_read_tokens AS STRING), CAST(cache_write_tokens AS STRING),
         CAST(bround(cost, 6) AS STRING), CAST(unpriced_requests AS STRING))
       AS `day,cost_center,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests`
FROM (
  SELECT day, cost_center,
         sum(requests) AS requests, sum(input_tokens) AS input_tokens,
         sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
         -- The report's cache_write_tokens is all writes, 5-minute and 1-hour.
         sum(cache_write_tokens + cache_write_1h_tokens) AS cache_write_tokens,
         sum(cost_usd) AS cost,
         sum(CASE WHEN priced THEN 0 ELSE requests END) AS unpriced_requests
  FROM usage
  GROUP BY day, cost_center
)
-- With a time dimension a report is in time order: the values as shown,
-- then missing first (docs/design.md, CSV report).
ORDER BY day, coalesce(cost_center, '(unattributed)'), cost_center IS NOT NULL
