-- Fewer rows and pages written per recorded call (issue 45).
-- * Raw usage events keep one index by time instead of two, as Postgres has since its second
--   migration: by hour, then customer, then key. A recorded call wrote an entry in each, a page
--   per customer in both; a key's lookups name its customer already (a key never changes
--   customer), so this one index serves a customer's and a key's raw events alike.
-- * A key's last use is kept with its daily rollup, which every recorded call writes anyway:
--   `last_ts` is the time of the row's latest event, and a key's last use is its latest day's
--   (or `api_keys.last_used_at`, which holds what was recorded before this, if later). A
--   recorded call then writes no `api_keys` row.
-- Counts are unchanged: an index goes, a column comes.
DROP INDEX usage_by_hour_customer;
DROP INDEX usage_by_hour_key;
CREATE INDEX usage_by_hour ON usage_events(ts / 3600, customer_id, key_id, ts, quantity);
ALTER TABLE usage_daily ADD COLUMN last_ts INTEGER;
