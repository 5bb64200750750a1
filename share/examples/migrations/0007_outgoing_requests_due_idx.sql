-- migrate-apply:no-transaction
-- The retry worker scans due requests; the table is busy, so the index is
-- built without blocking writes (CREATE INDEX CONCURRENTLY cannot run inside
-- a transaction block, hence the no-transaction marker above).
CREATE INDEX CONCURRENTLY IF NOT EXISTS outgoing_requests_due_idx
	ON outgoing_requests (next_attempt_at) WHERE last_status IS NULL OR last_status >= 500;
