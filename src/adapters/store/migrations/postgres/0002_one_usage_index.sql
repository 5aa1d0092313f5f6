-- Raw usage events keep two indexes instead of four (issue 19: an import through COPY maintained
-- every one of them per event, at about a microsecond each).
-- * The unique event id stays: it is what deduplicates.
-- * One covering index, by hour, then customer, then key, serves both a customer's and a key's
--   raw events (a key's lookups also name its customer, which a key never changes).
-- * `seq` goes: it numbered events for compaction, which now walks the hour index, and taking
--   the next number cost every insert.
DROP INDEX usage_by_hour_customer;
DROP INDEX usage_by_hour_key;
ALTER TABLE usage_events DROP COLUMN seq;
CREATE INDEX usage_by_hour ON usage_events ((ts / 3600), customer_id, key_id, ts, quantity);
