-- Ranks stages by precedence: approved > reverified > official > preliminary.
CREATE OR REPLACE MACRO stage_rank(s) AS
    CASE s WHEN 'preliminary' THEN 1 WHEN 'official' THEN 2
           WHEN 'reverified' THEN 3 WHEN 'approved' THEN 4 ELSE 0 END;

-- Units whose territory changed during review year Y, that is by a crosswalk
-- row taking effect after 31/12/(Y-1) and on or before 31/12/Y. A unit that
-- keeps its code but absorbs another, or is split, is not the same unit as
-- last year: comparing its rates by code would be wrong.
CREATE OR REPLACE TABLE unit_changed_year AS
WITH years AS (SELECT DISTINCT year FROM ref_cycle),
moves AS (
    SELECT y.year, x.*
    FROM ref_crosswalk x
    JOIN years y
      ON x.effective_date > make_date(y.year - 1, 12, 31)
     AND x.effective_date <= make_date(y.year, 12, 31)
    WHERE x.old_code <> x.new_code OR x.share_kind <> 'full'
),
communes AS (
    SELECT year, new_code AS unit_code FROM moves
    UNION
    SELECT year, old_code FROM moves
),
-- a district changes when one of its communes (last year or this year) does
districts AS (
    -- equality on (code, year) only: with an IN in the join condition and
    -- no statistics on the reference tables reloaded in the same
    -- transaction, DuckDB once planned a product of 10⁹ rows at national size
    SELECT DISTINCT c.year, d.district_code AS unit_code
    FROM (SELECT year, unit_code, year AS at FROM communes
          UNION ALL SELECT year, unit_code, year - 1 FROM communes) c
    JOIN dim_unit_year d
      ON d.unit_code = c.unit_code AND d.year = c.at
    WHERE d.district_code IS NOT NULL
),
-- a province changes when a unit of another province moves into it. Each
-- move looks up its two units by (year, code) first: the tables built
-- earlier in the transform's transaction carry no statistics, and with
-- both lookups free to reorder DuckDB once joined dim_unit_year with itself
-- on the province inequality (10¹⁰ pairs at national size).
new_side AS MATERIALIZED (
    SELECT m.year, m.old_code, n.province_code
    FROM moves m
    JOIN dim_unit_year n ON n.year = m.year AND n.unit_code = m.new_code
),
provinces AS (
    SELECT DISTINCT s.year, s.province_code AS unit_code
    FROM new_side s
    JOIN dim_unit_year o ON o.year = s.year - 1 AND o.unit_code = s.old_code
    WHERE o.province_code <> s.province_code
)
SELECT * FROM communes
UNION SELECT * FROM districts
UNION SELECT * FROM provinces;
