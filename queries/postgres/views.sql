-- The derived views of the shared PostgreSQL store: PostgreSQL's dialect of
-- queries/facts.sql, queries/indicators.sql and queries/trend.sql, over the
-- tables of schema.sql (global keys: unit_key, metric code, import sha256).
-- Same formulas, same reasons, same precedence; `fiscal trend` on a county's
-- SQLite file and indicator_trend here agree to the last bit (see below).
--
-- Every object is qualified with the placeholder schema (the word fiscal and a
-- dot), replaced by the publisher like in schema.sql. The file drops and
-- creates every view, in one transaction, so run it when it changed (the
-- materialized view is computed again), not on every publish. After a publish:
--   REFRESH MATERIALIZED VIEW CONCURRENTLY <schema>.period_inputs;
--
-- Numbers: observation_details.value is numeric, exact (value_e6 has six
-- decimals). The indicators are double precision, as SQLite's REAL: each is
-- an exact integer sum of value_e6 converted once and divided, the same IEEE
-- operations in the same order as queries/indicators.sql, so a server and a
-- county's `fiscal` give the same doubles and round them the same way when
-- displaying (numeric would round x.xx5 differently from a double that is
-- just below it). Money sums stay exact bigints until divided.

DROP VIEW IF EXISTS fiscal.indicator_trend, fiscal.indicator_values, fiscal.indicator_parts,
                    fiscal.conflicts, fiscal.facts, fiscal.observation_details CASCADE;
DROP MATERIALIZED VIEW IF EXISTS fiscal.period_inputs CASCADE;

-- Every observation with its unit, metric code and source; import_sha256 and
-- position identify it (SQLite's id), publisher says who sent it.
CREATE VIEW fiscal.observation_details AS
SELECT u.name AS unit, u.region, u.kind,
       o.year, o.quarter, o.metric, o.basis,
       o.value_e6, o.value_e6 * 0.000001 AS value,     -- exact: numeric with six decimals
       m.unit AS metric_unit,
       i.path AS source,
       COALESCE(o.cell, 'line ' || o.line) AS location,
       o.part, o.raw_text,
       o.import_sha256, o.position, i.document_year, i.publisher,
       o.unit_key, o.superseded
FROM fiscal.observations o
JOIN fiscal.units u ON u.name_key = o.unit_key
JOIN fiscal.metrics m ON m.code = o.metric
JOIN fiscal.imports i ON i.sha256 = o.import_sha256;

-- The resolved facts: one value per unit, year, quarter, metric and basis
-- (precedence: resolve.sql). Disagreements: the conflicts view.
CREATE VIEW fiscal.facts AS
SELECT unit, region, kind, year, quarter, metric, basis, value_e6, value,
       metric_unit, source, location, part, raw_text,
       import_sha256, position, document_year, publisher, unit_key
FROM fiscal.observation_details
WHERE NOT superseded;

-- Every observation of a key whose observations disagree (SQLite's
-- COUNT(DISTINCT value_e6) > 1 per key): an observation is in a conflict
-- exactly when another of its key has another value. Written as EXISTS, so a
-- filter on unit, region or year narrows the observations first: one region
-- of 571,400 observations in 0.2 s, against 1.2 s for SQLite's grouped join,
-- which groups every key whatever the filter (all conflicts: 3.6 s).
CREATE VIEW fiscal.conflicts AS
SELECT d.*
FROM fiscal.observation_details d
WHERE EXISTS (
    SELECT 1 FROM fiscal.observations x
    WHERE x.unit_key = d.unit_key AND x.year = d.year AND x.quarter = d.quarter
      AND x.metric = d.metric AND x.basis = d.basis AND x.value_e6 <> d.value_e6);

-- One row per unit, year and quarter with at least one fact: the resolved
-- value (value_e6) of every indicator input, NULL when not stated. The
-- columns are SQLite's period_inputs (schema.sql, period_input_columns:
-- column = metric and basis). Materialized: the indicators read it on every
-- query, and pivoting every fact each time costs the province far more than
-- a refresh after each publish. The unique index lets the refresh run
-- CONCURRENTLY (readers keep the old rows meanwhile) and serves the
-- year-before joins of the change-rate indicators.
CREATE MATERIALIZED VIEW fiscal.period_inputs AS
SELECT unit_key, year, quarter,
    max(value_e6) FILTER (WHERE metric = 'three_public_total' AND basis = 'final')           AS three_public_total,
    max(value_e6) FILTER (WHERE metric = 'overseas_travel' AND basis = 'final')              AS overseas_travel,
    max(value_e6) FILTER (WHERE metric = 'vehicle_total' AND basis = 'final')                AS vehicle_total,
    max(value_e6) FILTER (WHERE metric = 'vehicle_purchase' AND basis = 'final')             AS vehicle_purchase,
    max(value_e6) FILTER (WHERE metric = 'vehicle_operation' AND basis = 'final')            AS vehicle_operation,
    max(value_e6) FILTER (WHERE metric = 'official_reception' AND basis = 'final')           AS official_reception,
    max(value_e6) FILTER (WHERE metric = 'seven_items_total' AND basis = 'final')            AS seven_items_total,
    max(value_e6) FILTER (WHERE metric = 'office_expense' AND basis = 'final')               AS office_expense,
    max(value_e6) FILTER (WHERE metric = 'printing' AND basis = 'final')                     AS printing,
    max(value_e6) FILTER (WHERE metric = 'postal' AND basis = 'final')                       AS postal,
    max(value_e6) FILTER (WHERE metric = 'travel' AND basis = 'final')                       AS travel,
    max(value_e6) FILTER (WHERE metric = 'meeting' AND basis = 'final')                      AS meeting,
    max(value_e6) FILTER (WHERE metric = 'training' AND basis = 'final')                     AS training,
    max(value_e6) FILTER (WHERE metric = 'meeting_training' AND basis = 'final')             AS meeting_training,
    max(value_e6) FILTER (WHERE metric = 'utilities_travel' AND basis = 'final')             AS utilities_travel,
    max(value_e6) FILTER (WHERE metric = 'nontax_collection_cost' AND basis = 'final')       AS nontax_collection_cost,
    max(value_e6) FILTER (WHERE metric = 'nontax_revenue' AND basis = 'final')               AS nontax_revenue,
    max(value_e6) FILTER (WHERE metric = 'resident_population' AND basis = 'final')          AS resident_population,
    max(value_e6) FILTER (WHERE metric = 'supported_population' AND basis = 'final')         AS supported_population,
    max(value_e6) FILTER (WHERE metric = 'staff_in_service' AND basis = 'final')             AS staff_in_service,
    max(value_e6) FILTER (WHERE metric = 'staff_retired' AND basis = 'final')                AS staff_retired,
    max(value_e6) FILTER (WHERE metric = 'supported_in_service' AND basis = 'final')         AS supported_in_service,
    max(value_e6) FILTER (WHERE metric = 'supported_retired' AND basis = 'final')            AS supported_retired,
    max(value_e6) FILTER (WHERE metric = 'staff_authorized' AND basis = 'final')             AS staff_authorized,
    max(value_e6) FILTER (WHERE metric = 'total_funds' AND basis = 'final')                  AS total_funds,
    max(value_e6) FILTER (WHERE metric = 'public_funds' AND basis = 'final')                 AS public_funds,
    max(value_e6) FILTER (WHERE metric = 'government_procurement' AND basis = 'final')       AS government_procurement,
    max(value_e6) FILTER (WHERE metric = 'three_guarantees' AND basis = 'final')             AS three_guarantees,
    max(value_e6) FILTER (WHERE metric = 'general_budget_expenditure' AND basis = 'final')   AS general_budget_expenditure,
    max(value_e6) FILTER (WHERE metric = 'tax_revenue' AND basis = 'final')                  AS tax_revenue,
    max(value_e6) FILTER (WHERE metric = 'fiscal_revenue' AND basis = 'final')               AS fiscal_revenue,
    max(value_e6) FILTER (WHERE metric = 'social_insured' AND basis = 'final')               AS social_insured,
    max(value_e6) FILTER (WHERE metric = 'medical_insured' AND basis = 'final')              AS medical_insured,
    max(value_e6) FILTER (WHERE metric = 'benefit_covered' AND basis = 'final')              AS benefit_covered,
    max(value_e6) FILTER (WHERE metric = 'benefit_eligible' AND basis = 'final')             AS benefit_eligible,
    max(value_e6) FILTER (WHERE metric = 'three_public_total' AND basis = 'budget')          AS three_public_total_budget,
    max(value_e6) FILTER (WHERE metric = 'overseas_travel' AND basis = 'budget')             AS overseas_travel_budget,
    max(value_e6) FILTER (WHERE metric = 'vehicle_total' AND basis = 'budget')               AS vehicle_total_budget,
    max(value_e6) FILTER (WHERE metric = 'vehicle_purchase' AND basis = 'budget')            AS vehicle_purchase_budget,
    max(value_e6) FILTER (WHERE metric = 'vehicle_operation' AND basis = 'budget')           AS vehicle_operation_budget,
    max(value_e6) FILTER (WHERE metric = 'official_reception' AND basis = 'budget')          AS official_reception_budget,
    max(value_e6) FILTER (WHERE metric = 'total_funds' AND basis = 'budget')                 AS total_funds_budget,
    max(value_e6) FILTER (WHERE metric = 'total_funds' AND basis = 'initial')                AS total_funds_initial,
    max(value_e6) FILTER (WHERE metric = 'public_funds' AND basis = 'budget')                AS public_funds_budget,
    max(value_e6) FILTER (WHERE metric = 'government_procurement' AND basis = 'budget')      AS government_procurement_budget,
    max(value_e6) FILTER (WHERE metric = 'three_guarantees' AND basis = 'plan')              AS three_guarantees_plan,
    max(value_e6) FILTER (WHERE metric = 'tax_revenue' AND basis = 'plan')                   AS tax_revenue_plan,
    max(value_e6) FILTER (WHERE metric = 'fiscal_revenue' AND basis = 'plan')                AS fiscal_revenue_plan,
    max(value_e6) FILTER (WHERE metric = 'project_expenditure' AND basis = 'final')          AS project_expenditure,
    max(value_e6) FILTER (WHERE metric = 'project_expenditure' AND basis = 'budget')         AS project_expenditure_budget,
    max(value_e6) FILTER (WHERE metric = 'nontax_revenue' AND basis = 'budget')              AS nontax_revenue_budget,
    max(value_e6) FILTER (WHERE metric = 'nontax_revenue' AND basis = 'plan')                AS nontax_revenue_plan
FROM fiscal.observations
WHERE NOT superseded
GROUP BY unit_key, year, quarter;
CREATE UNIQUE INDEX period_inputs_key ON fiscal.period_inputs(unit_key, quarter, year);

-- Composite money figures: a stated total, else the sum of its parts; a
-- missing part leaves the sum missing (never 0). Supported persons: 财政供养人员,
-- else its 在职 + 退休, else the unit's staff in service + retired.
CREATE VIEW fiscal.indicator_parts AS
SELECT *,
    COALESCE(three_public_total, overseas_travel + COALESCE(vehicle_total, vehicle_purchase + vehicle_operation) + official_reception) AS three_public_e6,
    COALESCE(three_public_total_budget, overseas_travel_budget + COALESCE(vehicle_total_budget, vehicle_purchase_budget + vehicle_operation_budget) + official_reception_budget) AS three_public_budget_e6,
    COALESCE(seven_items_total,
             CASE WHEN travel IS NULL AND utilities_travel IS NOT NULL THEN NULL
                  ELSE office_expense + printing + postal + travel
                       + COALESCE(meeting + training, meeting_training) + official_reception END) AS seven_items_e6,
    COALESCE(supported_population, supported_in_service + supported_retired, staff_in_service + staff_retired) AS supported_persons
FROM fiscal.period_inputs;

-- The indicators of domain.md, one row per unit, year, quarter and indicator,
-- with the reason when there is no value (queries/indicators.sql, branch for
-- branch). 100.0::float8 and 1000000.0::float8 make each division SQLite's:
-- a bigint operand becomes a double, as SQLite's integer does beside a REAL.
-- indicator is COLLATE "C", a key like the tables' (schema.sql), for the
-- trend's window sort.
--   SELECT * FROM fiscal.indicator_values WHERE indicator = 'nontax_cost_rate';
CREATE VIEW fiscal.indicator_values AS
-- three_public · 三公经费 = three_public_total; else overseas_travel + vehicle_total + official_reception (vehicle_total: else purchase + operation)
SELECT unit_key, year, quarter, 'three_public'::text COLLATE "C" AS indicator, three_public_e6 / 1000000.0::float8 AS value,
       CASE WHEN three_public_e6 IS NULL THEN 'needs three_public_total, or overseas_travel + vehicle_total (or vehicle_purchase + vehicle_operation) + official_reception' END AS reason
FROM fiscal.indicator_parts
UNION ALL
-- three_public_control_rate · "三公经费"控制率 = three_public final ÷ budget
SELECT unit_key, year, quarter, 'three_public_control_rate', 100.0::float8 * three_public_e6 / NULLIF(three_public_budget_e6, 0),
       CASE WHEN three_public_e6 IS NULL THEN 'needs the final 三公经费'
            WHEN three_public_budget_e6 IS NULL THEN 'needs the 三公经费 budget'
            WHEN three_public_budget_e6 = 0 THEN 'the 三公经费 budget is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- seven_items · 七项经费 = seven_items_total; else office_expense + printing + postal + travel + meeting + training (or meeting_training) + official_reception
SELECT unit_key, year, quarter, 'seven_items', seven_items_e6 / 1000000.0::float8,
       CASE WHEN seven_items_e6 IS NOT NULL THEN NULL
            WHEN travel IS NULL AND utilities_travel IS NOT NULL
                 THEN 'travel is stated only together with utilities (水费、电费、差旅费), which is not a component: no sum'
            ELSE 'needs seven_items_total, or office_expense, printing, postal, travel, meeting and training (or meeting_training), official_reception' END
FROM fiscal.indicator_parts
UNION ALL
-- seven_items_change_rate · 七项经费变动率 (reports: "“七项”经费控制率-6.59%") = (seven_items − seven_items of the year before) ÷ the year before
SELECT c.unit_key, c.year, c.quarter, 'seven_items_change_rate',
       100.0::float8 * (c.seven_items_e6 - p.seven_items_e6) / NULLIF(p.seven_items_e6, 0),
       CASE WHEN c.seven_items_e6 IS NULL THEN 'needs 七项经费 of the year'
            WHEN p.seven_items_e6 IS NULL THEN 'needs 七项经费 of the year before'
            WHEN p.seven_items_e6 = 0 THEN '七项经费 of the year before is 0' END
FROM fiscal.indicator_parts c
LEFT JOIN fiscal.indicator_parts p ON p.unit_key = c.unit_key AND p.quarter = c.quarter AND p.year = c.year - 1
UNION ALL
-- nontax_cost_rate · 非税收入征收成本率 = nontax_collection_cost ÷ nontax_revenue
SELECT unit_key, year, quarter, 'nontax_cost_rate', 100.0::float8 * nontax_collection_cost / NULLIF(nontax_revenue, 0),
       CASE WHEN nontax_collection_cost IS NULL THEN 'needs nontax_collection_cost'
            WHEN nontax_revenue IS NULL THEN 'needs nontax_revenue'
            WHEN nontax_revenue = 0 THEN 'nontax_revenue is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- supported_ratio · 财政供养比 = resident_population ÷ supported_population; else ÷ (staff_in_service + staff_retired)
SELECT unit_key, year, quarter, 'supported_ratio',
       1.0::float8 * resident_population / NULLIF(supported_persons, 0),
       CASE WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN supported_persons IS NULL
                 THEN 'needs supported_population, or supported_in_service + supported_retired, or staff_in_service + staff_retired'
            WHEN supported_persons = 0 THEN 'no supported persons' END
FROM fiscal.indicator_parts
UNION ALL
-- staff_control_rate · 在职人员控制率 = staff_in_service ÷ staff_authorized
SELECT unit_key, year, quarter, 'staff_control_rate', 100.0::float8 * staff_in_service / NULLIF(staff_authorized, 0),
       CASE WHEN staff_in_service IS NULL THEN 'needs staff_in_service'
            WHEN staff_authorized IS NULL THEN 'needs staff_authorized'
            WHEN staff_authorized = 0 THEN 'staff_authorized is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- budget_execution_rate · 预算执行率 = total_funds final ÷ budget
SELECT unit_key, year, quarter, 'budget_execution_rate', 100.0::float8 * total_funds / NULLIF(total_funds_budget, 0),
       CASE WHEN total_funds IS NULL THEN 'needs total_funds (final)'
            WHEN total_funds_budget IS NULL THEN 'needs total_funds (budget)'
            WHEN total_funds_budget = 0 THEN 'total_funds (budget) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- budget_adjustment_rate · 预算调整率 = (total_funds budget − initial) ÷ initial
SELECT unit_key, year, quarter, 'budget_adjustment_rate', 100.0::float8 * (total_funds_budget - total_funds_initial) / NULLIF(total_funds_initial, 0),
       CASE WHEN total_funds_budget IS NULL THEN 'needs total_funds (budget)'
            WHEN total_funds_initial IS NULL THEN 'needs total_funds (initial)'
            WHEN total_funds_initial = 0 THEN 'total_funds (initial) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- public_funds_control_rate · 公用经费控制率 = public_funds final ÷ budget
SELECT unit_key, year, quarter, 'public_funds_control_rate', 100.0::float8 * public_funds / NULLIF(public_funds_budget, 0),
       CASE WHEN public_funds IS NULL THEN 'needs public_funds (final)'
            WHEN public_funds_budget IS NULL THEN 'needs public_funds (budget)'
            WHEN public_funds_budget = 0 THEN 'public_funds (budget) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- procurement_execution_rate · 政府采购执行率 = government_procurement final ÷ budget
SELECT unit_key, year, quarter, 'procurement_execution_rate', 100.0::float8 * government_procurement / NULLIF(government_procurement_budget, 0),
       CASE WHEN government_procurement IS NULL THEN 'needs government_procurement (final)'
            WHEN government_procurement_budget IS NULL THEN 'needs government_procurement (budget)'
            WHEN government_procurement_budget = 0 THEN 'government_procurement (budget) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- three_guarantees_share · "三保"支出占比 = three_guarantees final ÷ general_budget_expenditure
SELECT unit_key, year, quarter, 'three_guarantees_share', 100.0::float8 * three_guarantees / NULLIF(general_budget_expenditure, 0),
       CASE WHEN three_guarantees IS NULL THEN 'needs three_guarantees (final)'
            WHEN general_budget_expenditure IS NULL THEN 'needs general_budget_expenditure'
            WHEN general_budget_expenditure = 0 THEN 'general_budget_expenditure is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- three_guarantees_coverage · "三保"应保尽保率 = three_guarantees final ÷ plan
SELECT unit_key, year, quarter, 'three_guarantees_coverage', 100.0::float8 * three_guarantees / NULLIF(three_guarantees_plan, 0),
       CASE WHEN three_guarantees IS NULL THEN 'needs three_guarantees (final)'
            WHEN three_guarantees_plan IS NULL THEN 'needs three_guarantees (plan)'
            WHEN three_guarantees_plan = 0 THEN 'three_guarantees (plan) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- tax_completion_rate · 税收收入完成率 = tax_revenue final ÷ plan
SELECT unit_key, year, quarter, 'tax_completion_rate', 100.0::float8 * tax_revenue / NULLIF(tax_revenue_plan, 0),
       CASE WHEN tax_revenue IS NULL THEN 'needs tax_revenue (final)'
            WHEN tax_revenue_plan IS NULL THEN 'needs tax_revenue (plan)'
            WHEN tax_revenue_plan = 0 THEN 'tax_revenue (plan) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- revenue_completion_rate · 财政收入完成率 = fiscal_revenue final ÷ plan
SELECT unit_key, year, quarter, 'revenue_completion_rate', 100.0::float8 * fiscal_revenue / NULLIF(fiscal_revenue_plan, 0),
       CASE WHEN fiscal_revenue IS NULL THEN 'needs fiscal_revenue (final)'
            WHEN fiscal_revenue_plan IS NULL THEN 'needs fiscal_revenue (plan)'
            WHEN fiscal_revenue_plan = 0 THEN 'fiscal_revenue (plan) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- social_insurance_coverage · 社保覆盖率 = social_insured ÷ resident_population
SELECT unit_key, year, quarter, 'social_insurance_coverage', 100.0::float8 * social_insured / NULLIF(resident_population, 0),
       CASE WHEN social_insured IS NULL THEN 'needs social_insured'
            WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN resident_population = 0 THEN 'resident_population is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- medical_insurance_coverage · 医保覆盖率 = medical_insured ÷ resident_population
SELECT unit_key, year, quarter, 'medical_insurance_coverage', 100.0::float8 * medical_insured / NULLIF(resident_population, 0),
       CASE WHEN medical_insured IS NULL THEN 'needs medical_insured'
            WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN resident_population = 0 THEN 'resident_population is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- benefit_coverage · 惠民惠农应保尽保率 = benefit_covered ÷ benefit_eligible
SELECT unit_key, year, quarter, 'benefit_coverage', 100.0::float8 * benefit_covered / NULLIF(benefit_eligible, 0),
       CASE WHEN benefit_covered IS NULL THEN 'needs benefit_covered'
            WHEN benefit_eligible IS NULL THEN 'needs benefit_eligible'
            WHEN benefit_eligible = 0 THEN 'benefit_eligible is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- three_public_change_rate · "三公经费"变动率 (the scoring sheet's) = (three_public − three_public of the year before) ÷ the year before
SELECT c.unit_key, c.year, c.quarter, 'three_public_change_rate',
       100.0::float8 * (c.three_public_e6 - p.three_public_e6) / NULLIF(p.three_public_e6, 0),
       CASE WHEN c.three_public_e6 IS NULL THEN 'needs the final 三公经费'
            WHEN p.three_public_e6 IS NULL THEN 'needs 三公经费 of the year before'
            WHEN p.three_public_e6 = 0 THEN '三公经费 of the year before is 0' END
FROM fiscal.indicator_parts c
LEFT JOIN fiscal.indicator_parts p ON p.unit_key = c.unit_key AND p.quarter = c.quarter AND p.year = c.year - 1
UNION ALL
-- key_spending_rate · 重点支出安排率 = project_expenditure final ÷ budget (the sheet: 参考部门年度项目支出及其预算)
SELECT unit_key, year, quarter, 'key_spending_rate', 100.0::float8 * project_expenditure / NULLIF(project_expenditure_budget, 0),
       CASE WHEN project_expenditure IS NULL THEN 'needs project_expenditure (final)'
            WHEN project_expenditure_budget IS NULL THEN 'needs project_expenditure (budget)'
            WHEN project_expenditure_budget = 0 THEN 'project_expenditure (budget) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- nontax_completion_rate · 非税收入完成率 = nontax_revenue final ÷ budget (非税收入预算数); else ÷ plan (任务数)
SELECT unit_key, year, quarter, 'nontax_completion_rate',
       100.0::float8 * nontax_revenue / NULLIF(COALESCE(nontax_revenue_budget, nontax_revenue_plan), 0),
       CASE WHEN nontax_revenue IS NULL THEN 'needs nontax_revenue (final)'
            WHEN COALESCE(nontax_revenue_budget, nontax_revenue_plan) IS NULL THEN 'needs nontax_revenue (budget or plan)'
            WHEN COALESCE(nontax_revenue_budget, nontax_revenue_plan) = 0 THEN 'nontax_revenue (budget) is 0' END
FROM fiscal.indicator_parts
UNION ALL
-- Any raw metric is trendable by its code (final basis), straight from the
-- facts: a query for one code scans them (0.15 s at 571,400 observations; an
-- index on metric would cost every published row more than it saves).
SELECT o.unit_key, o.year, o.quarter, o.metric, o.value_e6 / 1000000.0::float8, NULL
FROM fiscal.observations o
JOIN fiscal.metrics m ON m.code = o.metric
WHERE m.kind = 'raw' AND o.basis = 'final' AND NOT o.superseded;

-- Every indicator year over year, like with like — the same quarter of the
-- year before (domain.md). change is in the indicator's unit (percentage
-- points for rates); change_rate is (value − previous) ÷ previous in %,
-- missing when there is no previous or it is 0 — never 0 or ∞. The previous
-- year comes from a window over each unit's years (one sort, not a join of
-- the view with itself); a filter on indicator and quarter, the window's
-- partition, reaches the branches of indicator_values:
--   SELECT * FROM fiscal.indicator_trend WHERE indicator = 'three_public' AND quarter = 0;
CREATE VIEW fiscal.indicator_trend AS
SELECT t.unit_key, u.name AS unit, u.region, u.kind, t.indicator, t.year, t.quarter, t.value, t.reason,
       t.previous,
       t.value - t.previous AS change,
       CASE WHEN t.previous <> 0 THEN 100.0::float8 * (t.value - t.previous) / t.previous END AS change_rate
FROM (
    SELECT v.unit_key, v.indicator, v.year, v.quarter, v.value, v.reason,
           CASE WHEN lag(v.year) OVER w = v.year - 1 THEN lag(v.value) OVER w END AS previous
    FROM fiscal.indicator_values v
    WINDOW w AS (PARTITION BY v.indicator, v.quarter, v.unit_key ORDER BY v.year)
) t
JOIN fiscal.units u ON u.name_key = t.unit_key;
