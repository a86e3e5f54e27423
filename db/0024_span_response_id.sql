-- gen_ai.response.id of a span: spans of one trace that report the same provider response (a
-- chat span and the fetch_response span of a background response, say) are one model call, and
-- only one of them bills. Nullable, so adding it rewrites nothing.
ALTER TABLE spans ADD COLUMN response_id text NULL;
