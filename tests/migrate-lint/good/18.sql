ALTER TABLE users RENAME COLUMN a TO b; -- migrate-apply:lint-ok
