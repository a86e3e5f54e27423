-- What the router chose, per request: the tier of each routed request (a trace with a
-- tollgate.route.decision span), counted with the request in the hour its trace started. The
-- tier mix over billing calls counts guardrail and quality-check calls too, which run on small
-- models whatever the router decided; this mix shows the routing decision itself.
-- Added with a default so that existing rows are valid, then the default is dropped: the rollup
-- writer always writes every column.
ALTER TABLE rollup_traces_hourly ADD COLUMN routed_small bigint NOT NULL DEFAULT 0,
                                 ADD COLUMN routed_mid bigint NOT NULL DEFAULT 0,
                                 ADD COLUMN routed_frontier bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_traces_hourly ALTER COLUMN routed_small DROP DEFAULT,
                                 ALTER COLUMN routed_mid DROP DEFAULT,
                                 ALTER COLUMN routed_frontier DROP DEFAULT;
ALTER TABLE rollup_traces_daily ADD COLUMN routed_small bigint NOT NULL DEFAULT 0,
                                ADD COLUMN routed_mid bigint NOT NULL DEFAULT 0,
                                ADD COLUMN routed_frontier bigint NOT NULL DEFAULT 0;
ALTER TABLE rollup_traces_daily ALTER COLUMN routed_small DROP DEFAULT,
                                ALTER COLUMN routed_mid DROP DEFAULT,
                                ALTER COLUMN routed_frontier DROP DEFAULT;

-- Rows rolled up before this script hold 0: the rollup job's next pass recomputes every hour
-- that has spans (as after 0014), filling the new columns for all retained history.
DELETE FROM rollup_state WHERE name = 'rollups';
