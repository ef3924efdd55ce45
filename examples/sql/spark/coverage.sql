-- Coverage of team and cost_center: the requests, tokens and exact cost
-- without an owner, as `llmspend report --format json` gives them in
-- accounting.unattributed (cost rounded once, half-even).
SELECT field, sum(requests) AS requests,
       sum(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens + cache_write_1h_tokens) AS tokens,
       CAST(bround(sum(cost_usd), 6) AS STRING) AS cost_usd
FROM (SELECT 'team' AS field, * FROM usage WHERE team IS NULL
      UNION ALL
      SELECT 'cost_center' AS field, * FROM usage WHERE cost_center IS NULL)
GROUP BY field ORDER BY field DESC
