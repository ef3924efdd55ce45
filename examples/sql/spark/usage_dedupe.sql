-- Dedupe across normalize runs (docs/distributed.md, "Dedupe"): of the
-- rows sharing a request_id, keep the earliest by (source_file,
-- source_line), llmspend's own keep-rule; rows without a request_id are
-- all kept. Over `usage_all` (every run's Parquet), defines `usage`.
CREATE OR REPLACE TEMPORARY VIEW usage AS
SELECT * FROM (
  SELECT *, request_id IS NULL
            OR row_number() OVER (PARTITION BY request_id ORDER BY source_file, source_line) = 1 AS keep
  FROM usage_all
) WHERE keep
