-- Foreign data: a wrapper without handler (nothing is read through it),
-- servers, user mappings for a role and for PUBLIC, foreign tables with
-- options on themselves and on columns, privileges and comments.
CREATE FOREIGN DATA WRAPPER dummy_fdw OPTIONS (debug 'true');
COMMENT ON FOREIGN DATA WRAPPER dummy_fdw IS 'reads nothing';
CREATE SERVER far_away TYPE 'remote' VERSION '1.0' FOREIGN DATA WRAPPER dummy_fdw
	OPTIONS (host 'db.example.com', port '5432', "odd key" 'it''s');
CREATE SERVER nearby FOREIGN DATA WRAPPER dummy_fdw;
ALTER SERVER nearby OWNER TO app_owner;
COMMENT ON SERVER far_away IS 'over there';
CREATE USER MAPPING FOR PUBLIC SERVER far_away OPTIONS (user 'guest');
CREATE USER MAPPING FOR app_reader SERVER far_away OPTIONS (user 'reader', password 'secret');
CREATE USER MAPPING FOR "Role With ""Quotes"" and spaces" SERVER nearby;
GRANT USAGE ON FOREIGN DATA WRAPPER dummy_fdw TO app_owner;
GRANT USAGE ON FOREIGN SERVER far_away TO app_reader;
CREATE SCHEMA remote;
CREATE FOREIGN TABLE remote.orders (
	id integer OPTIONS (column_name 'order_id') NOT NULL,
	total numeric(12,2) DEFAULT 0,
	note text COLLATE "C"
) SERVER far_away OPTIONS (schema_name 'public', table_name 'orders');
COMMENT ON FOREIGN TABLE remote.orders IS 'orders over there';
COMMENT ON COLUMN remote.orders.total IS 'in cents';
GRANT SELECT ON remote.orders TO app_reader;
CREATE TABLE public.local_orders (id integer PRIMARY KEY, total numeric(12,2));
INSERT INTO public.local_orders VALUES (1, 9.5);
-- A foreign table as a partition of a local partitioned table.
CREATE TABLE public.readings (at date NOT NULL, v integer) PARTITION BY RANGE (at);
CREATE TABLE public.readings_2026 PARTITION OF public.readings FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE FOREIGN TABLE public.readings_old PARTITION OF public.readings FOR VALUES FROM ('2000-01-01') TO ('2026-01-01')
	SERVER nearby;
INSERT INTO public.readings_2026 VALUES ('2026-05-01', 3);
