-- The last two organisation figures that were still counted from raw spans, so that maturity,
-- benchmarks and scenarios read only rollups:
--   custom_model_calls: billing calls on a custom-priced model (its price's origin is 'custom')
--     or a fine-tuned one (model like 'ft:%', '%:ft-%', '%fine-tuned%', '%finetuned%').
--   quality_check_spans: guardrail and evaluation spans of a request, billing or not (operation
--     guardrail, evaluator or evaluation, or a name containing 'guardrail' or 'eval'), counted
--     with the request in the hour its trace started, like the request's cost.
-- Added with a default so that existing rows are valid, then the default is dropped: the rollup
-- writer always writes every column, as for the others.
ALTER TABLE rollup_spans_hourly ADD COLUMN custom_model_calls bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_spans_hourly ALTER COLUMN custom_model_calls DROP DEFAULT;
ALTER TABLE rollup_spans_daily ADD COLUMN custom_model_calls bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_spans_daily ALTER COLUMN custom_model_calls DROP DEFAULT;
ALTER TABLE rollup_features_hourly ADD COLUMN custom_model_calls bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_features_hourly ALTER COLUMN custom_model_calls DROP DEFAULT;
ALTER TABLE rollup_features_daily ADD COLUMN custom_model_calls bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_features_daily ALTER COLUMN custom_model_calls DROP DEFAULT;
ALTER TABLE rollup_traces_hourly ADD COLUMN quality_check_spans bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_traces_hourly ALTER COLUMN quality_check_spans DROP DEFAULT;
ALTER TABLE rollup_traces_daily ADD COLUMN quality_check_spans bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_traces_daily ALTER COLUMN quality_check_spans DROP DEFAULT;

-- Rows rolled up before this script hold 0 in the new columns. Forgetting the rollup job's
-- watermark makes its next pass treat every hour that has spans as touched and recompute it
-- (delete + insert, 24 hours per transaction), which fills the new columns for all retained
-- history. Until that pass ends, the two figures undercount over older hours. The dependency
-- map's watermark ('dependencies') is left alone: its rows do not change.
DELETE FROM rollup_state WHERE name = 'rollups';
