-- Macros rendering a text cell exactly as llmspend's report CSV does
-- (docs/design.md, "Report CSV"): `(unattributed)` when missing, the
-- spreadsheet formula guard, then CSV quoting. Run before the reports.
CREATE OR REPLACE MACRO shown(v) AS coalesce(v, '(unattributed)');
CREATE OR REPLACE MACRO guarded(t) AS
  CASE WHEN left(t, 1) IN ('=', '+', '-', '@', chr(9), chr(13), chr(10)) THEN '''' || t ELSE t END;
CREATE OR REPLACE MACRO quoted(t) AS
  CASE WHEN contains(t, ',') OR contains(t, '"') OR contains(t, chr(10))
       THEN '"' || replace(t, '"', '""') || '"' ELSE t END;
CREATE OR REPLACE MACRO csv_cell(v) AS quoted(guarded(shown(v)));
