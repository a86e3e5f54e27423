-- A span's tollgate.route.tier now overrides its model's catalogue tier only when it names a tier
-- (small, mid or frontier, in any case); any other label counts under the catalogue tier, so the
-- tier mix no longer drops those calls. Marking the spans that carry such a label as newly
-- ingested makes the next rollup run recompute the hours they belong to.
UPDATE spans SET ingested_at = now()
WHERE route_tier IS NOT NULL AND route_tier NOT IN ('small', 'mid', 'frontier');
