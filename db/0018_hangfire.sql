-- Scheduled and background jobs move to Hangfire. Its tables live in their own schema,
-- "hangfire", created and upgraded by Hangfire's own installer, which the migrator runs right after
-- these scripts under the same lock, so that two instances starting together on an empty database
-- never race on it. Quartz's tables are no longer read by anything.
-- job_runs (Tollgate's own record of each run) stays: it reads the same whatever the scheduler.
DROP TABLE IF EXISTS qrtz_job_details, qrtz_triggers, qrtz_simple_triggers, qrtz_cron_triggers,
    qrtz_simprop_triggers, qrtz_blob_triggers, qrtz_calendars, qrtz_paused_trigger_grps, qrtz_paused_job_grps,
    qrtz_fired_triggers, qrtz_scheduler_state, qrtz_locks, qrtz_execution_history, qrtz_misfire_history,
    qrtz_job_status CASCADE;
