-- Whether billing calls belong to a routed request (a span of the trace carries
-- tollgate.route.decision). "Saved by routing" compares these calls with the same tokens on the
-- frontier model; calls of requests the router never saw (a service calling a small model
-- directly) are no saving of routing. The flag is part of the row's key.
-- Added with a default so that existing rows are valid, then the default is dropped: the rollup
-- writer always writes every column.
ALTER TABLE rollup_features_hourly ADD COLUMN routed boolean NOT NULL DEFAULT false;
ALTER TABLE rollup_features_hourly ALTER COLUMN routed DROP DEFAULT;
ALTER TABLE rollup_features_daily ADD COLUMN routed boolean NOT NULL DEFAULT false;
ALTER TABLE rollup_features_daily ALTER COLUMN routed DROP DEFAULT;

-- Rows rolled up before this script say false: the rollup job's next pass recomputes every hour
-- that has spans (as after 0023), marking the routed calls of all retained history.
DELETE FROM rollup_state WHERE name = 'rollups';
