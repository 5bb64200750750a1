-- What an application adds to the generated tables (tests/bench/gendump.c)
-- so that restores are realistic: secondary indexes and foreign keys.
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE INDEX orders_created_at_idx ON orders (created_at);
CREATE INDEX webhook_events_event_received_idx ON webhook_events (event, received_at);
CREATE INDEX wallet_transactions_user_id_idx ON wallet_transactions (user_id, created_at);
ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE wallet_transactions ADD FOREIGN KEY (user_id) REFERENCES users (id);
VACUUM ANALYZE;
