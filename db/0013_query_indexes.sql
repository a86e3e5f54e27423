-- Month-long reads made cheaper: spend by user or customer, and the dependency map.

-- Spend by a high-cardinality dimension (user, customer) aggregates one rollup_keys row per value
-- and day: about 90,000 rows for 3,000 users over 30 days. With the figures the spend query sums
-- in the index, those rows are read by an index-only scan instead of a scan of the whole table
-- (whose rows also carry the latency histograms of the other dimensions).
DROP INDEX rollup_keys_hourly_bucket;
DROP INDEX rollup_keys_daily_dimension_bucket_idx;
CREATE INDEX rollup_keys_hourly_bucket ON rollup_keys_hourly (dimension, bucket)
    INCLUDE (project_id, key, cost_usd, requests, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens);
CREATE INDEX rollup_keys_daily_bucket ON rollup_keys_daily (dimension, bucket)
    INCLUDE (project_id, key, cost_usd, requests, calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens);

-- The dependency map over a month summed about 17 edge rows per hour, 720 hours, and their
-- latency histograms bucket by bucket. Daily edge rows, derived from the hourly ones whenever an
-- hour is recomputed, leave 30 rows per edge for a month; hourly rows serve only the window's
-- partial days at its edges. `day` is a UTC midnight.
CREATE TABLE dependency_edges_daily (
    project_id       integer        NOT NULL,
    day              timestamptz    NOT NULL,
    source_node      text           NOT NULL,
    target_node      text           NOT NULL,
    calls            bigint         NOT NULL CHECK (calls > 0),
    errors           bigint         NOT NULL CHECK (errors >= 0),
    cost_usd         numeric(20,10) NOT NULL,
    latency_buckets  bigint[]       NOT NULL,
    first_seen       timestamptz    NOT NULL,
    PRIMARY KEY (project_id, day, source_node, target_node)
);
CREATE INDEX dependency_edges_daily_day ON dependency_edges_daily (day);
-- An edge's first call ever, for all projects as for one.
CREATE INDEX dependency_edges_daily_edge ON dependency_edges_daily (source_node, target_node, first_seen);
CREATE INDEX dependency_edges_daily_project_edge ON dependency_edges_daily (project_id, source_node, target_node, first_seen);
CREATE INDEX dependency_edges_hourly_hour ON dependency_edges_hourly (hour);

INSERT INTO dependency_edges_daily (project_id, day, source_node, target_node, calls, errors, cost_usd, latency_buckets, first_seen)
SELECT project_id, date_trunc('day', hour, 'UTC'), source_node, target_node, sum(calls), sum(errors), sum(cost_usd),
       rollup_histogram_sum(latency_buckets), min(first_seen)
FROM dependency_edges_hourly
GROUP BY 1, 2, 3, 4;
