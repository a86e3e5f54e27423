-- Spend by user or customer over a month reads one rollup_keys row per value and day, most of
-- them for high-cardinality dimensions, and summing their numeric costs is what takes the time.
-- Weekly rows (ISO weeks, from Monday 00:00 UTC), derived from the daily rows whenever a day is,
-- serve the whole weeks inside a window; daily rows serve the days at its edges, hourly rows the
-- hours. A 30-day window then reads 3 or 4 weekly rows per value instead of about 30 daily ones.
CREATE TABLE rollup_keys_weekly (LIKE rollup_keys_daily INCLUDING ALL);

INSERT INTO rollup_keys_weekly
SELECT date_trunc('week', bucket, 'UTC'), project_id, dimension, key,
       sum(requests), sum(calls), sum(errors), sum(cost_usd), sum(input_tokens), sum(output_tokens),
       sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), rollup_histogram_sum(latency_histogram)
FROM rollup_keys_daily
GROUP BY 1, project_id, dimension, key;
