-- The orchestration-debt figures of every trace, by the hour its first span started: the longest
-- chain of nodes, error cascades (count and the first examples) and the cost under each agent.
-- Kept by the dependency rollup beside the edges, so that the debt report reads hours, not raw
-- spans, and covers every trace of its period instead of a sample of the latest ones.
CREATE TABLE dependency_debt_hourly (
    project_id        integer     NOT NULL,
    hour              timestamptz NOT NULL,
    traces            bigint      NOT NULL,
    longest_depth     integer     NULL,
    longest_path      text[]      NULL,
    longest_trace     text        NULL,
    cascades          bigint      NOT NULL,
    -- [{"traceId": ..., "origin": ..., "depth": ...}], at most ten.
    cascade_examples  jsonb       NOT NULL,
    -- {"agent": cost in USD}
    agent_costs       jsonb       NOT NULL,
    PRIMARY KEY (project_id, hour)
);
CREATE INDEX dependency_debt_hourly_hour ON dependency_debt_hourly (hour);

-- Existing installs: the dependency rollup starts again from no watermark, so every stored hour
-- gets its debt figures on the next pass.
DELETE FROM rollup_state WHERE name = 'dependencies';
