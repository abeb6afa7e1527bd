-- Scoring: the quantitative rows of the 100-point sheet (部门整体支出绩效评价指标体系)
-- scored by their rules (scoring_rules, loaded from scoring_rules.csv) from the
-- stored figures, beside the self-score (自评分) of the unit's own sheet
-- (scoring_items). domain.md, "Scoring rules".
--
-- A rule is a band of an indicator's value — "[95,)" is 95 % and above, "[90,95)"
-- 90 % up to but not 95 % — with its points; `times_rate` makes them points ×
-- value ÷ 100 (完成率×1分); `step` and `deduction` take `deduction` off for every
-- whole `step` beyond the band's lower bound (每超出1%扣0.2分: 101.5 % → 1.8);
-- the result is never below 0 nor above the item's max_points. `absolute` bands
-- the value's size (a budget cut is an adjustment too); `zero_when` gives 0
-- whatever the band when another indicator passes a limit ("三公经费" spent over
-- its budget). Values are compared at 9 decimals, so 90 % computed as
-- 90.00000000000001 is 90 %.

-- view: score_inputs
-- The values the rules name — their indicators and zero_when indicators — one
-- row per unit, year, quarter and indicator, with the reason when there is no
-- value. Derived indicators come from derived_indicator_values (not
-- indicator_values, whose raw-metric branch would scan every observation); a
-- rule naming a raw metric reads its final figure, metrics first, with the
-- reason 'needs <code>' when the unit-year has none. score_items scores these;
-- `fiscal score` reads them and applies the same rules in Swift
-- (Query/ScoreEngine.swift), held equal to score_items by the tests.
--   SELECT * FROM score_inputs WHERE year = 2024 AND quarter = 0 AND unit_id = 1;
CREATE VIEW score_inputs AS
WITH wanted AS (
    SELECT indicator FROM scoring_rules
    UNION
    SELECT zero_indicator FROM scoring_rules WHERE zero_indicator IS NOT NULL
)
SELECT unit_id, year, quarter, indicator, value, reason
FROM derived_indicator_values
WHERE indicator IN (SELECT indicator FROM wanted)
UNION ALL
SELECT p.unit_id, p.year, p.quarter, m.code, o.value_e6 / 1000000.0,
       CASE WHEN o.id IS NULL THEN 'needs ' || m.code END
FROM metrics m
CROSS JOIN period_inputs p
LEFT JOIN observations o
       ON o.unit_id = p.unit_id AND o.year = p.year AND o.quarter = p.quarter
      AND o.metric_id = m.id AND o.basis = 'final' AND o.superseded = 0
WHERE m.kind = 'raw' AND m.code IN (SELECT indicator FROM wanted);

-- view: score_items
-- One row per unit, year and item: the indicator's value, the points by the
-- rule (NULL when the row cannot be scored, with the note saying why), the
-- item's max points, the self-score the unit's sheet gives the same row
-- (matched by its name), their difference, and a note.
--   SELECT * FROM score_items WHERE unit LIKE '%白仓镇%';
CREATE VIEW score_items AS
WITH rule_items AS (
    SELECT item, name_zh, names_key, indicator, max_points, zero_indicator, zero_operator, zero_value, absolute,
           MIN(rowid) AS position
    FROM scoring_rules
    GROUP BY item
),
-- The values the rules name (score_inputs), one row per unit, year and item:
-- the rule's indicator and its zero_when indicator are picked from the
-- unit-year's values by window functions. Windows, not GROUP BY, a JSON object
-- per unit-year or a materialized table of values: SQLite pushes a query's
-- `year` filter down through a window's PARTITION BY columns into
-- period_inputs' key, and through none of the others.
rated AS (
    SELECT unit_id, year, item, name_zh, names_key, indicator, max_points, absolute, position,
           zero_indicator, zero_operator, zero_value, value, reason, zero_actual, zero_reason,
           (SELECT s.id FROM scoring_items s
            WHERE s.unit_id = t.unit_id AND s.year = t.year
              AND instr('|' || t.names_key || '|',
                        '|' || replace(replace(replace(replace(replace(replace(replace(
                               s.indicator, '“', ''), '”', ''), '"', ''), '''', ''), ' ', ''), '　', ''), '「', '') || '|') > 0
            ORDER BY s.import_id DESC, s.id LIMIT 1) AS sheet_row
    FROM (
        SELECT v.unit_id, v.year, r.item, r.name_zh, r.names_key, r.indicator, r.max_points, r.absolute, r.position,
               r.zero_indicator, r.zero_operator, r.zero_value,
               max(CASE WHEN v.indicator = r.indicator THEN v.value END) OVER unit_year_item AS value,
               max(CASE WHEN v.indicator = r.indicator THEN v.reason END) OVER unit_year_item AS reason,
               max(CASE WHEN v.indicator = r.zero_indicator THEN v.value END) OVER unit_year_item AS zero_actual,
               max(CASE WHEN v.indicator = r.zero_indicator THEN v.reason END) OVER unit_year_item AS zero_reason,
               row_number() OVER unit_year_item AS n
        FROM score_inputs v
        -- values first: each value row meets the few rules that name it
        CROSS JOIN rule_items r
        WHERE v.quarter = 0 AND (r.indicator = v.indicator OR r.zero_indicator = v.indicator)
        WINDOW unit_year_item AS (PARTITION BY v.unit_id, v.year, r.item)
    ) t
    WHERE n = 1
),
valued AS (
    SELECT t.*, CASE WHEN t.value IS NULL THEN NULL
                     WHEN t.absolute THEN round(abs(t.value), 9) ELSE round(t.value, 9) END AS x
    FROM rated t
),
banded AS (
    SELECT t.*, b.band, b.points AS band_points, b.times_rate, b.step, b.deduction, b.lower
    FROM valued t
    LEFT JOIN scoring_rules b
           ON b.item = t.item
          AND (b.lower IS NULL OR t.x > b.lower OR (b.lower_closed AND t.x = b.lower))
          AND (b.upper IS NULL OR t.x < b.upper OR (b.upper_closed AND t.x = b.upper))
),
judged AS (
    SELECT g.*,
           CASE WHEN g.zero_actual IS NULL THEN NULL
                WHEN g.zero_operator = '>' THEN g.zero_actual > g.zero_value
                WHEN g.zero_operator = '>=' THEN g.zero_actual >= g.zero_value
                WHEN g.zero_operator = '<' THEN g.zero_actual < g.zero_value
                WHEN g.zero_operator = '<=' THEN g.zero_actual <= g.zero_value END AS zeroed,
           max(0.0, min(g.max_points,
               (CASE WHEN g.times_rate THEN g.band_points * g.x / 100.0 ELSE g.band_points END)
               - CASE WHEN g.step IS NOT NULL THEN g.deduction * CAST((g.x - g.lower) / g.step AS INTEGER) ELSE 0 END
           )) AS by_band
    FROM banded g
),
scored AS (
    SELECT j.unit_id, u.name AS unit, u.region, u.kind, j.year, j.item, j.name_zh, j.position, j.value,
           CASE WHEN j.value IS NULL OR j.band IS NULL THEN NULL
                WHEN j.zeroed THEN 0.0
                WHEN j.zero_indicator IS NOT NULL AND j.zeroed IS NULL AND j.by_band > 0 THEN NULL
                ELSE j.by_band END AS points,
           j.max_points,
           s.self_points_e6 / 1000000.0 AS self_score,
           s.max_points_e6 / 1000000.0 AS sheet_max_points,
           s.indicator AS sheet_row,
           CASE WHEN s.id IS NULL OR s.self_points_e6 IS NULL OR s.max_points_e6 <> CAST(round(j.max_points * 1000000) AS INTEGER)
                     OR j.value IS NULL OR j.band IS NULL OR (j.zeroed IS NULL AND j.zero_indicator IS NOT NULL AND j.by_band > 0) THEN NULL
                ELSE s.self_points_e6 / 1000000.0 - CASE WHEN j.zeroed THEN 0.0 ELSE j.by_band END END AS difference,
           CASE WHEN j.value IS NULL THEN j.reason
                WHEN j.band IS NULL THEN printf('no band of the rule holds %.2f', j.value)
                WHEN j.zeroed THEN printf('0 points: %s %.2f %s %g', j.zero_indicator, j.zero_actual, j.zero_operator, j.zero_value)
                WHEN j.zero_indicator IS NOT NULL AND j.zeroed IS NULL AND j.by_band > 0
                     THEN coalesce(j.zero_reason, 'needs ' || j.zero_indicator)
                WHEN s.id IS NOT NULL AND s.max_points_e6 <> CAST(round(j.max_points * 1000000) AS INTEGER)
                     THEN printf('the sheet''s row %s is worth %g points, not %g: its self-score is not this item''s',
                                 s.indicator, s.max_points_e6 / 1000000.0, j.max_points)
           END AS note
    FROM judged j
    JOIN units u ON u.id = j.unit_id
    LEFT JOIN scoring_items s ON s.id = j.sheet_row
)
SELECT * FROM scored;

-- view: score_totals
-- Per unit and year: the points of the items that could be scored, their max
-- points, and — over the items that have both a score and a comparable
-- self-score — the self-score and the difference (self − points); how many
-- items have a value, and how many the unit's own sheet scored. Window sums,
-- not GROUP BY: SQLite pushes a query's `year` filter through a window's
-- PARTITION BY into period_inputs' key (0.5 s for a year at province scale),
-- not through a GROUP BY (4.5 s).
CREATE VIEW score_totals AS
SELECT DISTINCT unit_id, unit, region, kind, year,
       count(points) OVER unit_year AS items, sum(points) OVER unit_year AS points,
       sum(CASE WHEN points IS NOT NULL THEN max_points END) OVER unit_year AS max_points,
       sum(CASE WHEN difference IS NOT NULL THEN self_score END) OVER unit_year AS self_score,
       sum(difference) OVER unit_year AS difference, count(difference) OVER unit_year AS compared,
       count(value) OVER unit_year AS with_value, count(sheet_row) OVER unit_year AS sheet_rows
FROM score_items
WINDOW unit_year AS (PARTITION BY unit_id, year, unit, region, kind);

-- query: score
-- title: 自动评分 · Scores by the sheet's rules
-- Every item of the units and years asked for (a unit-year none of whose items
-- has a value and whose own sheet scored none is left out), then each unit-year's
-- total (item "total"): value, points by the rule, max points, the unit's own
-- self-score for the row, the difference (self − points) and why a row has no
-- points. `fiscal score` runs this query.
--   :year          one year (empty: all)
--   :kind          department, township or other (empty: all)
--   :region        e.g. 邵阳县 (empty: all)
--   :units         a unit's full name, or a JSON array of names (empty: all)
WITH items AS MATERIALIZED (
    SELECT * FROM score_items
    -- a range, not `:year IS NULL OR year = :year`: SQLite pushes it down to period_inputs' key
    WHERE year BETWEEN COALESCE(CAST(NULLIF(:year, '') AS INTEGER), -9999) AND COALESCE(CAST(NULLIF(:year, '') AS INTEGER), 9999)
      AND (NULLIF(:kind, '') IS NULL OR kind = :kind)
      AND (NULLIF(:region, '') IS NULL OR region = :region)
      AND (NULLIF(:units, '') IS NULL
           OR unit IN (SELECT value FROM json_each(CASE WHEN json_valid(:units) THEN :units ELSE json_array(:units) END)))
),
-- score_totals' sums, over the items read once (grouping the materialized
-- rows, not evaluating the view again)
totals AS MATERIALIZED (
    SELECT unit_id, unit, region, kind, year,
           count(points) AS items, sum(points) AS points,
           sum(CASE WHEN points IS NOT NULL THEN max_points END) AS max_points,
           sum(CASE WHEN difference IS NOT NULL THEN self_score END) AS self_score,
           sum(difference) AS difference, count(difference) AS compared
    FROM items
    GROUP BY unit_id, year
    HAVING count(value) > 0 OR count(sheet_row) > 0
)
SELECT i.unit, i.region, i.kind, i.year, i.item, i.value, i.points, i.max_points, i.self_score, i.difference, i.note,
       i.position AS sort
FROM items i
JOIN totals t ON t.unit_id = i.unit_id AND t.year = i.year
UNION ALL
SELECT unit, region, kind, year, 'total', NULL, points, max_points, self_score, difference,
       items || ' items scored, ' || compared || ' compared with the self-score', 1000000000
FROM totals
ORDER BY unit, year, sort;

-- query: score_values
-- title: 评分合计 · Score totals as an indicator, for ranking
-- A unit-year's total as one value, in the shape of trend_values, so that
-- `fiscal rank score_difference --year 2023` ranks where self-scores are most
-- generous (and score_points by the points the rules give); then the totals
-- of the score query (`fiscal report` lists the most generous), and whether
-- the score query lists the unit-year (an item with a value, or a row of its
-- own sheet). score_totals' sums, with the filters applied to score_items
-- before grouping.
--   :measure   score_difference or score_points
--   :from_year, :to_year, :kind, :region, :units   as in trend_values
SELECT t.unit_id, t.unit, t.region, t.kind, t.year, 0 AS quarter,
       CASE :measure WHEN 'score_difference' THEN t.difference ELSE t.points END AS value,
       CASE WHEN :measure = 'score_difference' AND t.difference IS NULL THEN 'no scored item has a comparable self-score'
            WHEN t.points IS NULL THEN 'no item could be scored' END AS reason,
       t.points, t.max_points, t.self_score, t.difference, t.with_value > 0 OR t.sheet_rows > 0 AS listed
FROM (
    SELECT unit_id, unit, region, kind, year,
           sum(points) AS points, sum(CASE WHEN points IS NOT NULL THEN max_points END) AS max_points,
           sum(CASE WHEN difference IS NOT NULL THEN self_score END) AS self_score, sum(difference) AS difference,
           count(value) AS with_value, count(sheet_row) AS sheet_rows
    FROM score_items
    WHERE year BETWEEN COALESCE(CAST(NULLIF(:from_year, '') AS INTEGER), 0)
                   AND COALESCE(CAST(NULLIF(:to_year, '') AS INTEGER), 9999)
      AND (NULLIF(:kind, '') IS NULL OR kind = :kind)
      AND (NULLIF(:region, '') IS NULL OR region = :region)
      AND (NULLIF(:units, '') IS NULL
           OR unit IN (SELECT value FROM json_each(CASE WHEN json_valid(:units) THEN :units ELSE json_array(:units) END)))
    GROUP BY unit_id, year
) t;
