-- Re-pricing runs become a durable queue. Adding a price queues a run; a worker in the dashboard
-- claims it and works through it slice by slice, recording after each slice how far it reached
-- and when it last made progress. A run whose worker stopped (the process ended or lost the
-- database) is taken over by a worker once its heartbeat is stale, from where it reached; one
-- interrupted by a shutdown goes back to the queue at once. Each slice updates its spans and the
-- run's progress in one transaction, so a resumed run starts after the last slice committed and
-- counts nothing twice.
ALTER TABLE repricing_runs DROP CONSTRAINT repricing_runs_status_check;
ALTER TABLE repricing_runs ADD CONSTRAINT repricing_runs_status_check CHECK (status IN ('queued', 'running', 'done', 'failed'));
ALTER TABLE repricing_runs ADD COLUMN spans_changed bigint NOT NULL DEFAULT 0;
ALTER TABLE repricing_runs ADD COLUMN reached_time timestamptz NULL;
ALTER TABLE repricing_runs ADD COLUMN heartbeat_at timestamptz NULL;
CREATE INDEX repricing_runs_open ON repricing_runs (id) WHERE status IN ('queued', 'running');
