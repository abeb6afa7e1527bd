-- Indicators: the derived figures of domain.md, computed from the resolved
-- inputs the import keeps in period_inputs (one row per unit, year and quarter;
-- period_input_columns says which column is which metric and basis).
--
-- A unit/period lacking an input has no value (NULL) and a reason, never 0;
-- money sums stay exact integers (value_e6) until divided. Codes, 中文 names,
-- units and better directions: indicators.csv.

-- view: indicator_parts
-- Composite money figures: a stated total, else the sum of its parts; a
-- missing part leaves the sum missing (never 0). Supported persons: 财政供养人员,
-- else its 在职 + 退休, else the unit's staff in service + retired.
CREATE VIEW indicator_parts AS
SELECT *,
    COALESCE(three_public_total, overseas_travel + COALESCE(vehicle_total, vehicle_purchase + vehicle_operation) + official_reception) AS three_public_e6,
    COALESCE(three_public_total_budget, overseas_travel_budget + COALESCE(vehicle_total_budget, vehicle_purchase_budget + vehicle_operation_budget) + official_reception_budget) AS three_public_budget_e6,
    COALESCE(seven_items_total,
             CASE WHEN travel IS NULL AND utilities_travel IS NOT NULL THEN NULL
                  ELSE office_expense + printing + postal + travel
                       + COALESCE(meeting + training, meeting_training) + official_reception END) AS seven_items_e6,
    COALESCE(supported_population, supported_in_service + supported_retired, staff_in_service + staff_retired) AS supported_persons
FROM period_inputs;

-- view: derived_indicator_values
-- The indicators of domain.md, one row per unit, year, quarter and indicator,
-- with the reason when there is no value (raw metrics are added by
-- indicator_values below). The scoring sheet reads this view: its rules name
-- derived indicators only, and leaving out the raw metrics' branch spares a
-- scan of every observation when the indicators wanted are not constants.
CREATE VIEW derived_indicator_values AS
-- three_public · 三公经费 = three_public_total; else overseas_travel + vehicle_total + official_reception (vehicle_total: else purchase + operation)
SELECT unit_id, year, quarter, 'three_public' AS indicator, three_public_e6 / 1000000.0 AS value,
       CASE WHEN three_public_e6 IS NULL THEN 'needs three_public_total, or overseas_travel + vehicle_total (or vehicle_purchase + vehicle_operation) + official_reception' END AS reason
FROM indicator_parts
UNION ALL
-- three_public_control_rate · "三公经费"控制率 = three_public final ÷ budget
SELECT unit_id, year, quarter, 'three_public_control_rate', 100.0 * three_public_e6 / NULLIF(three_public_budget_e6, 0),
       CASE WHEN three_public_e6 IS NULL THEN 'needs the final 三公经费'
            WHEN three_public_budget_e6 IS NULL THEN 'needs the 三公经费 budget'
            WHEN three_public_budget_e6 = 0 THEN 'the 三公经费 budget is 0' END
FROM indicator_parts
UNION ALL
-- seven_items · 七项经费 = seven_items_total; else office_expense + printing + postal + travel + meeting + training (or meeting_training) + official_reception
SELECT unit_id, year, quarter, 'seven_items', seven_items_e6 / 1000000.0,
       CASE WHEN seven_items_e6 IS NOT NULL THEN NULL
            WHEN travel IS NULL AND utilities_travel IS NOT NULL
                 THEN 'travel is stated only together with utilities (水费、电费、差旅费), which is not a component: no sum'
            ELSE 'needs seven_items_total, or office_expense, printing, postal, travel, meeting and training (or meeting_training), official_reception' END
FROM indicator_parts
UNION ALL
-- seven_items_change_rate · 七项经费变动率 (reports: "“七项”经费控制率-6.59%") = (seven_items − seven_items of the year before) ÷ the year before
SELECT c.unit_id, c.year, c.quarter, 'seven_items_change_rate',
       100.0 * (c.seven_items_e6 - p.seven_items_e6) / NULLIF(p.seven_items_e6, 0),
       CASE WHEN c.seven_items_e6 IS NULL THEN 'needs 七项经费 of the year'
            WHEN p.seven_items_e6 IS NULL THEN 'needs 七项经费 of the year before'
            WHEN p.seven_items_e6 = 0 THEN '七项经费 of the year before is 0' END
FROM indicator_parts c
LEFT JOIN indicator_parts p ON p.unit_id = c.unit_id AND p.quarter = c.quarter AND p.year = c.year - 1
UNION ALL
-- nontax_cost_rate · 非税收入征收成本率 = nontax_collection_cost ÷ nontax_revenue
SELECT unit_id, year, quarter, 'nontax_cost_rate', 100.0 * nontax_collection_cost / NULLIF(nontax_revenue, 0),
       CASE WHEN nontax_collection_cost IS NULL THEN 'needs nontax_collection_cost'
            WHEN nontax_revenue IS NULL THEN 'needs nontax_revenue'
            WHEN nontax_revenue = 0 THEN 'nontax_revenue is 0' END
FROM indicator_parts
UNION ALL
-- supported_ratio · 财政供养比 = resident_population ÷ supported_population; else ÷ (staff_in_service + staff_retired)
SELECT unit_id, year, quarter, 'supported_ratio',
       1.0 * resident_population / NULLIF(supported_persons, 0),
       CASE WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN supported_persons IS NULL
                 THEN 'needs supported_population, or supported_in_service + supported_retired, or staff_in_service + staff_retired'
            WHEN supported_persons = 0 THEN 'no supported persons' END
FROM indicator_parts
UNION ALL
-- staff_control_rate · 在职人员控制率 = staff_in_service ÷ staff_authorized
SELECT unit_id, year, quarter, 'staff_control_rate', 100.0 * staff_in_service / NULLIF(staff_authorized, 0),
       CASE WHEN staff_in_service IS NULL THEN 'needs staff_in_service'
            WHEN staff_authorized IS NULL THEN 'needs staff_authorized'
            WHEN staff_authorized = 0 THEN 'staff_authorized is 0' END
FROM indicator_parts
UNION ALL
-- budget_execution_rate · 预算执行率 = total_funds final ÷ budget
SELECT unit_id, year, quarter, 'budget_execution_rate', 100.0 * total_funds / NULLIF(total_funds_budget, 0),
       CASE WHEN total_funds IS NULL THEN 'needs total_funds (final)'
            WHEN total_funds_budget IS NULL THEN 'needs total_funds (budget)'
            WHEN total_funds_budget = 0 THEN 'total_funds (budget) is 0' END
FROM indicator_parts
UNION ALL
-- budget_adjustment_rate · 预算调整率 = (total_funds budget − initial) ÷ initial
SELECT unit_id, year, quarter, 'budget_adjustment_rate', 100.0 * (total_funds_budget - total_funds_initial) / NULLIF(total_funds_initial, 0),
       CASE WHEN total_funds_budget IS NULL THEN 'needs total_funds (budget)'
            WHEN total_funds_initial IS NULL THEN 'needs total_funds (initial)'
            WHEN total_funds_initial = 0 THEN 'total_funds (initial) is 0' END
FROM indicator_parts
UNION ALL
-- public_funds_control_rate · 公用经费控制率 = public_funds final ÷ budget
SELECT unit_id, year, quarter, 'public_funds_control_rate', 100.0 * public_funds / NULLIF(public_funds_budget, 0),
       CASE WHEN public_funds IS NULL THEN 'needs public_funds (final)'
            WHEN public_funds_budget IS NULL THEN 'needs public_funds (budget)'
            WHEN public_funds_budget = 0 THEN 'public_funds (budget) is 0' END
FROM indicator_parts
UNION ALL
-- procurement_execution_rate · 政府采购执行率 = government_procurement final ÷ budget
SELECT unit_id, year, quarter, 'procurement_execution_rate', 100.0 * government_procurement / NULLIF(government_procurement_budget, 0),
       CASE WHEN government_procurement IS NULL THEN 'needs government_procurement (final)'
            WHEN government_procurement_budget IS NULL THEN 'needs government_procurement (budget)'
            WHEN government_procurement_budget = 0 THEN 'government_procurement (budget) is 0' END
FROM indicator_parts
UNION ALL
-- three_guarantees_share · "三保"支出占比 = three_guarantees final ÷ general_budget_expenditure
SELECT unit_id, year, quarter, 'three_guarantees_share', 100.0 * three_guarantees / NULLIF(general_budget_expenditure, 0),
       CASE WHEN three_guarantees IS NULL THEN 'needs three_guarantees (final)'
            WHEN general_budget_expenditure IS NULL THEN 'needs general_budget_expenditure'
            WHEN general_budget_expenditure = 0 THEN 'general_budget_expenditure is 0' END
FROM indicator_parts
UNION ALL
-- three_guarantees_coverage · "三保"应保尽保率 = three_guarantees final ÷ plan
SELECT unit_id, year, quarter, 'three_guarantees_coverage', 100.0 * three_guarantees / NULLIF(three_guarantees_plan, 0),
       CASE WHEN three_guarantees IS NULL THEN 'needs three_guarantees (final)'
            WHEN three_guarantees_plan IS NULL THEN 'needs three_guarantees (plan)'
            WHEN three_guarantees_plan = 0 THEN 'three_guarantees (plan) is 0' END
FROM indicator_parts
UNION ALL
-- tax_completion_rate · 税收收入完成率 = tax_revenue final ÷ plan
SELECT unit_id, year, quarter, 'tax_completion_rate', 100.0 * tax_revenue / NULLIF(tax_revenue_plan, 0),
       CASE WHEN tax_revenue IS NULL THEN 'needs tax_revenue (final)'
            WHEN tax_revenue_plan IS NULL THEN 'needs tax_revenue (plan)'
            WHEN tax_revenue_plan = 0 THEN 'tax_revenue (plan) is 0' END
FROM indicator_parts
UNION ALL
-- revenue_completion_rate · 财政收入完成率 = fiscal_revenue final ÷ plan
SELECT unit_id, year, quarter, 'revenue_completion_rate', 100.0 * fiscal_revenue / NULLIF(fiscal_revenue_plan, 0),
       CASE WHEN fiscal_revenue IS NULL THEN 'needs fiscal_revenue (final)'
            WHEN fiscal_revenue_plan IS NULL THEN 'needs fiscal_revenue (plan)'
            WHEN fiscal_revenue_plan = 0 THEN 'fiscal_revenue (plan) is 0' END
FROM indicator_parts
UNION ALL
-- social_insurance_coverage · 社保覆盖率 = social_insured ÷ resident_population
SELECT unit_id, year, quarter, 'social_insurance_coverage', 100.0 * social_insured / NULLIF(resident_population, 0),
       CASE WHEN social_insured IS NULL THEN 'needs social_insured'
            WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN resident_population = 0 THEN 'resident_population is 0' END
FROM indicator_parts
UNION ALL
-- medical_insurance_coverage · 医保覆盖率 = medical_insured ÷ resident_population
SELECT unit_id, year, quarter, 'medical_insurance_coverage', 100.0 * medical_insured / NULLIF(resident_population, 0),
       CASE WHEN medical_insured IS NULL THEN 'needs medical_insured'
            WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN resident_population = 0 THEN 'resident_population is 0' END
FROM indicator_parts
UNION ALL
-- benefit_coverage · 惠民惠农应保尽保率 = benefit_covered ÷ benefit_eligible
SELECT unit_id, year, quarter, 'benefit_coverage', 100.0 * benefit_covered / NULLIF(benefit_eligible, 0),
       CASE WHEN benefit_covered IS NULL THEN 'needs benefit_covered'
            WHEN benefit_eligible IS NULL THEN 'needs benefit_eligible'
            WHEN benefit_eligible = 0 THEN 'benefit_eligible is 0' END
FROM indicator_parts
UNION ALL
-- three_public_change_rate · "三公经费"变动率 (the scoring sheet's) = (three_public − three_public of the year before) ÷ the year before
SELECT c.unit_id, c.year, c.quarter, 'three_public_change_rate',
       100.0 * (c.three_public_e6 - p.three_public_e6) / NULLIF(p.three_public_e6, 0),
       CASE WHEN c.three_public_e6 IS NULL THEN 'needs the final 三公经费'
            WHEN p.three_public_e6 IS NULL THEN 'needs 三公经费 of the year before'
            WHEN p.three_public_e6 = 0 THEN '三公经费 of the year before is 0' END
FROM indicator_parts c
LEFT JOIN indicator_parts p ON p.unit_id = c.unit_id AND p.quarter = c.quarter AND p.year = c.year - 1
UNION ALL
-- key_spending_rate · 重点支出安排率 = project_expenditure final ÷ budget (the sheet: 参考部门年度项目支出及其预算)
SELECT unit_id, year, quarter, 'key_spending_rate', 100.0 * project_expenditure / NULLIF(project_expenditure_budget, 0),
       CASE WHEN project_expenditure IS NULL THEN 'needs project_expenditure (final)'
            WHEN project_expenditure_budget IS NULL THEN 'needs project_expenditure (budget)'
            WHEN project_expenditure_budget = 0 THEN 'project_expenditure (budget) is 0' END
FROM indicator_parts
UNION ALL
-- nontax_completion_rate · 非税收入完成率 = nontax_revenue final ÷ budget (非税收入预算数); else ÷ plan (任务数)
SELECT unit_id, year, quarter, 'nontax_completion_rate',
       100.0 * nontax_revenue / NULLIF(COALESCE(nontax_revenue_budget, nontax_revenue_plan), 0),
       CASE WHEN nontax_revenue IS NULL THEN 'needs nontax_revenue (final)'
            WHEN COALESCE(nontax_revenue_budget, nontax_revenue_plan) IS NULL THEN 'needs nontax_revenue (budget or plan)'
            WHEN COALESCE(nontax_revenue_budget, nontax_revenue_plan) = 0 THEN 'nontax_revenue (budget) is 0' END
FROM indicator_parts
;

-- view: indicator_values
-- Every trendable figure: the derived indicators, and any raw metric by its
-- code (final basis), so that `fiscal trend tax_revenue` works like
-- `fiscal trend three_public`:
--   SELECT * FROM indicator_values WHERE indicator = 'nontax_cost_rate';
CREATE VIEW indicator_values AS
SELECT * FROM derived_indicator_values
UNION ALL
-- Raw metrics, metrics first, so that a query for one code seeks its figures
-- period by period.
SELECT p.unit_id, p.year, p.quarter, m.code, o.value_e6 / 1000000.0, NULL
FROM metrics m
CROSS JOIN period_inputs p
JOIN observations o ON o.unit_id = p.unit_id AND o.year = p.year AND o.quarter = p.quarter
                   AND o.metric_id = m.id AND o.basis = 'final' AND o.superseded = 0
WHERE m.kind = 'raw';
