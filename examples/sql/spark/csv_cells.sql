-- Functions rendering a text cell exactly as llmspend's report CSV does
-- (docs/design.md, "Report CSV"): `(unattributed)` when missing, the
-- spreadsheet formula guard, then CSV quoting. Run before the reports.
CREATE OR REPLACE TEMPORARY FUNCTION shown(v STRING) RETURNS STRING
  RETURN coalesce(v, '(unattributed)');
CREATE OR REPLACE TEMPORARY FUNCTION guarded(t STRING) RETURNS STRING
  RETURN CASE WHEN left(t, 1) IN ('=', '+', '-', '@', chr(9), chr(13), chr(10)) THEN concat('''', t) ELSE t END;
CREATE OR REPLACE TEMPORARY FUNCTION quoted(t STRING) RETURNS STRING
  RETURN CASE WHEN contains(t, ',') OR contains(t, '"') OR contains(t, chr(10))
              THEN concat('"', replace(t, '"', '""'), '"') ELSE t END;
CREATE OR REPLACE TEMPORARY FUNCTION csv_cell(v STRING) RETURNS STRING
  RETURN quoted(guarded(shown(v)));
