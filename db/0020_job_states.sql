-- States that background jobs on Hangfire add.
-- Re-pricing runs are carried out by background jobs and an admin may cancel one: the slice in
-- progress rolls back and no further slice starts.
ALTER TABLE repricing_runs DROP CONSTRAINT repricing_runs_status_check;
ALTER TABLE repricing_runs ADD CONSTRAINT repricing_runs_status_check CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled'));
-- A recurring job's run whose instance stopped before it ended is marked abandoned by the next run
-- of the job (which holds the job's lock, so the old run cannot still be alive).
ALTER TABLE job_runs DROP CONSTRAINT job_runs_outcome_check;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_outcome_check CHECK (outcome IN ('running', 'succeeded', 'failed', 'abandoned'));
-- fire_id is now Hangfire's job id, which a job keeps when Hangfire runs it again after its instance
-- stopped: at least once, so two runs may share it.
ALTER TABLE job_runs DROP CONSTRAINT job_runs_fire_id_key;
