-- migrate-apply:no-transaction
VACUUM (ANALYZE) orders;
