-- Trace views: opening one trace looks its spans up by trace id alone (the primary key starts
-- with project_id, and a link to a trace does not always carry the project).
CREATE INDEX spans_trace_id ON spans (trace_id);
