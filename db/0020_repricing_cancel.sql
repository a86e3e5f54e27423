-- Re-pricing runs are carried out by background jobs and an admin may cancel one: the slice in
-- progress rolls back and no further slice starts.
ALTER TABLE repricing_runs DROP CONSTRAINT repricing_runs_status_check;
ALTER TABLE repricing_runs ADD CONSTRAINT repricing_runs_status_check CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled'));
