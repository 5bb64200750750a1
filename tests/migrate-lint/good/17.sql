-- migrate-apply:lint-ok create-index (a small table)
CREATE INDEX small_idx ON settings (key);
