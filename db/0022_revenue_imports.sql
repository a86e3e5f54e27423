-- Revenue files imported in the background: the file waits here until a job reads it, checks every
-- line and stores the whole set in one transaction (all or nothing, as the synchronous upload).
-- The file is dropped once the import has ended; its outcome and the first bad lines stay.
CREATE TABLE revenue_imports (
    id           bigserial   PRIMARY KEY,
    project_id   integer     NOT NULL REFERENCES projects (id),
    file_name    text        NULL,
    body         bytea       NULL,
    status       text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    lines_total  integer     NULL,
    lines_done   integer     NOT NULL DEFAULT 0,
    inserted     integer     NULL,
    replaced     integer     NULL,
    error        text        NULL,
    -- The first bad lines, each with its reason, when the file was refused.
    line_errors  text[]      NULL,
    line_error_count integer NULL,
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz NULL,
    finished_at  timestamptz NULL
);
CREATE INDEX revenue_imports_project ON revenue_imports (project_id, id DESC);
