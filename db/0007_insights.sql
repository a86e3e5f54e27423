-- Insights: the hourly dependency-edge rollup behind the dependency map, and the industry
-- benchmark bands that the benchmarks view places the organisation in.

-- One row per project, hour and edge between two nodes of the dependency map. A node is
-- "kind:key" (service:checkout, agent:planner, tool:search, model:openai/gpt-4o,
-- datastore:postgresql). An edge is a parent span on the source node calling a child span on
-- the target node; the hour is the child span's start hour. Rows are replaced hour by hour by
-- DependencyRollup, so recomputing an hour is idempotent.
CREATE TABLE dependency_edges_hourly (
    project_id       integer        NOT NULL,
    hour             timestamptz    NOT NULL,
    source_node      text           NOT NULL,
    target_node      text           NOT NULL,
    calls            bigint         NOT NULL CHECK (calls > 0),
    errors           bigint         NOT NULL CHECK (errors >= 0),
    -- Billing cost of the child spans' subtrees: coalesce(provided, computed).
    cost_usd         numeric(20,10) NOT NULL,
    -- Child span durations as counts per fixed logarithmic bucket (see LatencyHistogram), so
    -- that percentiles over many hours come from summing the arrays.
    latency_buckets  bigint[]       NOT NULL,
    first_seen       timestamptz    NOT NULL,
    PRIMARY KEY (project_id, hour, source_node, target_node)
);
-- When was an edge first seen, across all hours: the "undocumented dependency" question.
CREATE INDEX dependency_edges_hourly_edge ON dependency_edges_hourly (project_id, source_node, target_node, first_seen);

-- Bands per benchmark metric. For a lower-is-better metric a value reaches "median" at or
-- below median_to and "elite" strictly below elite_bound; "low" is where everything else falls
-- (published as "above low_bound"). Higher-is-better metrics mirror this.
CREATE TABLE benchmark_bands (
    metric           text           PRIMARY KEY,
    label            text           NOT NULL,
    unit             text           NOT NULL CHECK (unit IN ('fraction', 'usd')),
    higher_is_better boolean        NOT NULL,
    low_bound        numeric(18,6)  NOT NULL,
    median_from      numeric(18,6)  NOT NULL,
    median_to        numeric(18,6)  NOT NULL CHECK (median_to >= median_from),
    elite_bound      numeric(18,6)  NOT NULL,
    updated_by       text           NOT NULL DEFAULT 'seed',
    updated_at       timestamptz    NOT NULL DEFAULT now()
);

INSERT INTO benchmark_bands (metric, label, unit, higher_is_better, low_bound, median_from, median_to, elite_bound) VALUES
    ('ai_cogs_to_revenue',         'AI COGS / revenue',            'fraction', false, 0.40,  0.15, 0.25, 0.10),
    ('inference_cost_per_request', 'Inference cost per request',   'usd',      false, 0.10,  0.01, 0.05, 0.005),
    ('routing_coverage',           'Model routing coverage',       'fraction', true,  0.30,  0.50, 0.70, 0.85),
    ('feature_profitability',      'AI feature profitability',     'fraction', true,  0.30,  0.50, 0.60, 0.80);
