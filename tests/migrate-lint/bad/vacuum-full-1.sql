-- migrate-apply:no-transaction
VACUUM FULL orders;
