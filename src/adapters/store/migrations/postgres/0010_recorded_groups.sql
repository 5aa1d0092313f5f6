-- Fewer rows written per recorded call (issue 45).
-- * A key's last use is kept with its daily rollup, which every recorded call writes anyway:
--   `last_ts` is the time of the row's latest event, and a key's last use is its latest day's
--   (or `api_keys.last_used_at`, which holds what was recorded before this, if later). A
--   recorded call then writes no `api_keys` row.
-- * The rollups leave a fifth of each page free, so that the update of a row (many a minute
--   for a busy customer) fits beside it without touching the primary key's index (a "HOT"
--   update). Pages written from now on follow it.
ALTER TABLE usage_daily ADD COLUMN last_ts BIGINT;
ALTER TABLE usage_daily SET (fillfactor = 80);
ALTER TABLE usage_hourly SET (fillfactor = 80);
