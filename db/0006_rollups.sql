-- Hourly and daily aggregates of the span table, so that dashboards and the REST API never scan
-- raw spans. Hourly rows are recomputed whole (delete + insert in one transaction) by the rollup
-- job for every hour touched by spans ingested since its watermark; daily rows are derived from
-- the hourly ones. Dimension columns are null where a span had no value.

-- Adds two latency histograms bucket by bucket; a missing bucket counts as zero.
CREATE FUNCTION rollup_histogram_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT coalesce(a[i], 0) + coalesce(b[i], 0)
        FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i
        ORDER BY i)
$$;

-- Percentiles are not additive; histograms are. Strict: null histograms are skipped.
CREATE AGGREGATE rollup_histogram_sum(bigint[]) (SFUNC = rollup_histogram_add, STYPE = bigint[]);

-- Billing spans (model calls) by every attribution dimension. Additive: sum any subset of rows.
CREATE TABLE rollup_spans_hourly (
    bucket              timestamptz    NOT NULL,
    project_id          integer        NOT NULL,
    team                text           NULL,
    feature             text           NULL,
    customer            text           NULL,
    model               text           NULL,
    provider            text           NULL,
    service             text           NULL,
    -- tollgate.route.tier of the span, else the catalogue tier of its model.
    tier                text           NULL,
    calls               bigint         NOT NULL,
    errors              bigint         NOT NULL,
    -- Calls with neither a provided nor a computed cost (an unpriced model).
    unpriced_calls      bigint         NOT NULL,
    cost_usd            numeric(24,10) NOT NULL,
    input_tokens        bigint         NOT NULL,
    output_tokens       bigint         NOT NULL,
    cache_read_tokens   bigint         NOT NULL,
    cache_write_tokens  bigint         NOT NULL,
    reasoning_tokens    bigint         NOT NULL,
    fallback_calls      bigint         NOT NULL,
    retry_calls         bigint         NOT NULL,
    duration_ms_sum     bigint         NOT NULL
);
CREATE INDEX rollup_spans_hourly_bucket ON rollup_spans_hourly (bucket);
CREATE TABLE rollup_spans_daily (LIKE rollup_spans_hourly INCLUDING ALL);

-- The same calls without customer and service: few rows per hour, so that summaries, feature
-- P&L and routing figures over months read thousands of rows rather than millions.
CREATE TABLE rollup_features_hourly (
    bucket              timestamptz    NOT NULL,
    project_id          integer        NOT NULL,
    team                text           NULL,
    feature             text           NULL,
    model               text           NULL,
    provider            text           NULL,
    tier                text           NULL,
    calls               bigint         NOT NULL,
    errors              bigint         NOT NULL,
    unpriced_calls      bigint         NOT NULL,
    cost_usd            numeric(24,10) NOT NULL,
    input_tokens        bigint         NOT NULL,
    output_tokens       bigint         NOT NULL,
    cache_read_tokens   bigint         NOT NULL,
    cache_write_tokens  bigint         NOT NULL,
    reasoning_tokens    bigint         NOT NULL,
    fallback_calls      bigint         NOT NULL,
    retry_calls         bigint         NOT NULL,
    duration_ms_sum     bigint         NOT NULL
);
CREATE INDEX rollup_features_hourly_bucket ON rollup_features_hourly (bucket);
CREATE TABLE rollup_features_daily (LIKE rollup_features_hourly INCLUDING ALL);

-- Requests (traces) by the trace's team and feature: a trace is counted once, in the hour its
-- earliest span started, so summing rows never counts a request twice. Requests per customer
-- (and user, model...) are in rollup_keys; leaving customer out keeps this table small enough
-- for month-long summaries.
CREATE TABLE rollup_traces_hourly (
    bucket               timestamptz    NOT NULL,
    project_id           integer        NOT NULL,
    team                 text           NULL,
    feature              text           NULL,
    requests             bigint         NOT NULL,
    routed_requests      bigint         NOT NULL,
    cache_hit_requests   bigint         NOT NULL,
    fallback_requests    bigint         NOT NULL,
    retry_requests       bigint         NOT NULL,
    error_requests       bigint         NOT NULL,
    cost_usd             numeric(24,10) NOT NULL,
    -- Cost of the requests served from cache, to estimate what the cache saved.
    cache_hit_cost_usd   numeric(24,10) NOT NULL,
    duration_ms_sum      bigint         NOT NULL
);
CREATE INDEX rollup_traces_hourly_bucket ON rollup_traces_hourly (bucket);
CREATE TABLE rollup_traces_daily (LIKE rollup_traces_hourly INCLUDING ALL);

-- One row per value of one dimension (team, feature, customer, model, provider, service, user),
-- with the requests that used it: per dimension, a trace counts once for each value it used.
-- Also the fallback and retry chains ('fallback' / 'retry', key 'from → to', calls = count),
-- and the latency histograms: of billing calls on 'model' rows, of requests on 'feature' rows.
CREATE TABLE rollup_keys_hourly (
    bucket              timestamptz    NOT NULL,
    project_id          integer        NOT NULL,
    dimension           text           NOT NULL,
    key                 text           NULL,
    requests            bigint         NOT NULL,
    calls               bigint         NOT NULL,
    errors              bigint         NOT NULL,
    cost_usd            numeric(24,10) NOT NULL,
    input_tokens        bigint         NOT NULL,
    output_tokens       bigint         NOT NULL,
    cache_read_tokens   bigint         NOT NULL,
    cache_write_tokens  bigint         NOT NULL,
    reasoning_tokens    bigint         NOT NULL,
    latency_histogram   bigint[]       NULL
);
CREATE INDEX rollup_keys_hourly_bucket ON rollup_keys_hourly (dimension, bucket);
CREATE TABLE rollup_keys_daily (LIKE rollup_keys_hourly INCLUDING ALL);

-- Where each rollup is: spans ingested (or re-priced, or re-attributed) at or after the
-- watermark, less a safety margin, have not been rolled up yet.
CREATE TABLE rollup_state (
    name        text        PRIMARY KEY,
    watermark   timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Finds the spans written since the watermark without scanning the table; ingest appends, so
-- ingested_at follows the physical order closely enough for a BRIN index.
CREATE INDEX spans_ingested_at_brin ON spans USING brin (ingested_at);
