-- Scheduled jobs: the tables of Quartz.NET's ADO job store (clustered: every instance of the
-- dashboard shares them, and a row lock in qrtz_locks decides which instance fires a trigger),
-- and Tollgate's own record of job runs.
--
-- Quartz stores times as .NET ticks (bigint) and job data as serialized bytes. Every table is
-- keyed by the scheduler name first, so several schedulers may share the tables.

CREATE TABLE qrtz_job_details (
    sched_name         text    NOT NULL,
    job_name           text    NOT NULL,
    job_group          text    NOT NULL,
    description        text    NULL,
    job_class_name     text    NOT NULL,
    is_durable         boolean NOT NULL,
    is_nonconcurrent   boolean NOT NULL,
    is_update_data     boolean NOT NULL,
    requests_recovery  boolean NOT NULL,
    job_data           bytea   NULL,
    PRIMARY KEY (sched_name, job_name, job_group)
);

CREATE TABLE qrtz_triggers (
    sched_name               text    NOT NULL,
    trigger_name             text    NOT NULL,
    trigger_group            text    NOT NULL,
    job_name                 text    NOT NULL,
    job_group                text    NOT NULL,
    description              text    NULL,
    next_fire_time           bigint  NULL,
    prev_fire_time           bigint  NULL,
    priority                 integer NULL,
    trigger_state            text    NOT NULL,
    trigger_type             text    NOT NULL,
    start_time               bigint  NOT NULL,
    end_time                 bigint  NULL,
    calendar_name            text    NULL,
    misfire_instr            smallint NULL,
    misfire_orig_fire_time   bigint  NULL,
    misfire_threshold        bigint  NULL,
    execution_group          text    NULL,
    preferred_node           text    NULL,
    preferred_node_auto      boolean NOT NULL DEFAULT false,
    retry_policy             text    NULL,
    retry_attempt            integer NULL,
    continues_trigger_name   text    NULL,
    continues_trigger_group  text    NULL,
    continuation_condition   integer NULL,
    overlap_policy           integer NULL,
    pause_reason             text    NULL,
    paused_by                text    NULL,
    paused_at                bigint  NULL,
    fixed_delay              boolean NULL,
    job_data                 bytea   NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, job_name, job_group) REFERENCES qrtz_job_details (sched_name, job_name, job_group)
);
-- Acquiring the next triggers to fire, and finding misfired ones, scan by state and fire time.
CREATE INDEX qrtz_triggers_due ON qrtz_triggers (sched_name, trigger_state, next_fire_time);
CREATE INDEX qrtz_triggers_job ON qrtz_triggers (sched_name, job_name, job_group);

-- One row per trigger of each kind, extending qrtz_triggers.
CREATE TABLE qrtz_simple_triggers (
    sched_name       text   NOT NULL,
    trigger_name     text   NOT NULL,
    trigger_group    text   NOT NULL,
    repeat_count     bigint NOT NULL,
    repeat_interval  bigint NOT NULL,
    times_triggered  bigint NOT NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers ON DELETE CASCADE
);

CREATE TABLE qrtz_cron_triggers (
    sched_name       text NOT NULL,
    trigger_name     text NOT NULL,
    trigger_group    text NOT NULL,
    cron_expression  text NOT NULL,
    time_zone_id     text NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers ON DELETE CASCADE
);

CREATE TABLE qrtz_simprop_triggers (
    sched_name     text    NOT NULL,
    trigger_name   text    NOT NULL,
    trigger_group  text    NOT NULL,
    str_prop_1     text    NULL,
    str_prop_2     text    NULL,
    str_prop_3     text    NULL,
    int_prop_1     integer NULL,
    int_prop_2     integer NULL,
    long_prop_1    bigint  NULL,
    long_prop_2    bigint  NULL,
    dec_prop_1     numeric NULL,
    dec_prop_2     numeric NULL,
    bool_prop_1    boolean NULL,
    bool_prop_2    boolean NULL,
    time_zone_id   text    NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers ON DELETE CASCADE
);

CREATE TABLE qrtz_blob_triggers (
    sched_name     text  NOT NULL,
    trigger_name   text  NOT NULL,
    trigger_group  text  NOT NULL,
    blob_data      bytea NULL,
    PRIMARY KEY (sched_name, trigger_name, trigger_group),
    FOREIGN KEY (sched_name, trigger_name, trigger_group) REFERENCES qrtz_triggers ON DELETE CASCADE
);

CREATE TABLE qrtz_calendars (
    sched_name     text  NOT NULL,
    calendar_name  text  NOT NULL,
    calendar       bytea NOT NULL,
    PRIMARY KEY (sched_name, calendar_name)
);

CREATE TABLE qrtz_paused_trigger_grps (
    sched_name     text   NOT NULL,
    trigger_group  text   NOT NULL,
    pause_reason   text   NULL,
    paused_by      text   NULL,
    paused_at      bigint NULL,
    PRIMARY KEY (sched_name, trigger_group)
);

CREATE TABLE qrtz_paused_job_grps (
    sched_name    text   NOT NULL,
    job_group     text   NOT NULL,
    pause_reason  text   NULL,
    paused_by     text   NULL,
    paused_at     bigint NULL,
    PRIMARY KEY (sched_name, job_group)
);

-- Triggers an instance has acquired or is executing; a dead instance's rows let another recover its work.
CREATE TABLE qrtz_fired_triggers (
    sched_name                text    NOT NULL,
    entry_id                  text    NOT NULL,
    trigger_name              text    NOT NULL,
    trigger_group             text    NOT NULL,
    instance_name             text    NOT NULL,
    fired_time                bigint  NOT NULL,
    sched_time                bigint  NOT NULL,
    priority                  integer NOT NULL,
    state                     text    NOT NULL,
    job_name                  text    NULL,
    job_group                 text    NULL,
    is_nonconcurrent          boolean NOT NULL,
    requests_recovery         boolean NULL,
    execution_group           text    NULL,
    progress                  integer NULL,
    progress_message          text    NULL,
    interrupt_requested_time  bigint  NULL,
    PRIMARY KEY (sched_name, entry_id)
);
CREATE INDEX qrtz_fired_triggers_instance ON qrtz_fired_triggers (sched_name, instance_name);
CREATE INDEX qrtz_fired_triggers_job ON qrtz_fired_triggers (sched_name, job_name, job_group);

-- Cluster membership: each instance checks in; one that stops checking in is failed over.
CREATE TABLE qrtz_scheduler_state (
    sched_name         text   NOT NULL,
    instance_name      text   NOT NULL,
    last_checkin_time  bigint NOT NULL,
    checkin_interval   bigint NOT NULL,
    quartz_version     text   NULL,
    PRIMARY KEY (sched_name, instance_name)
);

-- Row locks (SELECT ... FOR UPDATE) that serialise trigger acquisition across the cluster.
CREATE TABLE qrtz_locks (
    sched_name  text NOT NULL,
    lock_name   text NOT NULL,
    PRIMARY KEY (sched_name, lock_name)
);

-- Quartz's own execution records (used only when enabled; Tollgate keeps job_runs below).
CREATE TABLE qrtz_execution_history (
    sched_name           text    NOT NULL,
    entry_id             text    NOT NULL,
    instance_name        text    NOT NULL,
    job_name             text    NOT NULL,
    job_group            text    NOT NULL,
    trigger_name         text    NOT NULL,
    trigger_group        text    NOT NULL,
    fired_time           bigint  NOT NULL,
    run_time             bigint  NOT NULL,
    succeeded            boolean NOT NULL,
    error_message        text    NULL,
    retry_attempt        integer NOT NULL DEFAULT 0,
    retry_scheduled      boolean NOT NULL DEFAULT false,
    execution_log        text    NULL,
    result               integer NULL,
    summary              text    NULL,
    metrics              text    NULL,
    manual               boolean NULL,
    fire_instance_id     text    NULL,
    job_input            text    NULL,
    job_input_too_large  boolean NULL,
    PRIMARY KEY (sched_name, entry_id)
);

CREATE TABLE qrtz_misfire_history (
    sched_name     text    NOT NULL,
    entry_id       text    NOT NULL,
    instance_name  text    NOT NULL,
    trigger_name   text    NOT NULL,
    trigger_group  text    NOT NULL,
    job_name       text    NULL,
    job_group      text    NULL,
    misfire_time   bigint  NOT NULL,
    sched_time     bigint  NULL,
    reason         integer NULL,
    PRIMARY KEY (sched_name, entry_id)
);

CREATE TABLE qrtz_job_status (
    sched_name            text    NOT NULL,
    job_group             text    NOT NULL,
    job_name              text    NOT NULL,
    first_fired_time      bigint  NOT NULL,
    last_fired_time       bigint  NOT NULL,
    last_result           integer NOT NULL,
    last_run_time         bigint  NOT NULL,
    last_instance_name    text    NOT NULL,
    last_entry_id         text    NULL,
    last_summary          text    NULL,
    last_success_time     bigint  NULL,
    last_failure_time     bigint  NULL,
    last_failure_message  text    NULL,
    consecutive_failures  integer NOT NULL DEFAULT 0,
    run_count             bigint  NOT NULL DEFAULT 0,
    failure_count         bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (sched_name, job_group, job_name)
);

-- Tollgate's record of each job run, for GET /api/v1/jobs. Bounded: each run deletes the
-- oldest runs of its job beyond the history kept (see JobRunLog).
CREATE TABLE job_runs (
    id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    job             text        NOT NULL,
    instance        text        NOT NULL,
    -- Quartz's id of the firing: the same fire never has two rows.
    fire_id         text        NOT NULL UNIQUE,
    scheduled_for   timestamptz NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed')),
    rows_touched    bigint      NULL,
    error_message   text        NULL
);
CREATE INDEX job_runs_job_started ON job_runs (job, started_at DESC);
