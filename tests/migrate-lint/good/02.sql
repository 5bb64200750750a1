-- migrate-apply:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_user_idx;
