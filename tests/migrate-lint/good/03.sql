-- migrate-apply:no-transaction
REINDEX INDEX CONCURRENTLY orders_user_idx;
