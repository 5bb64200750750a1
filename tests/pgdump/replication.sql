-- Logical replication and event triggers: publications (all tables; some
-- tables; from 15 a row filter, a column list and a schema), a disabled,
-- unconnected subscription as pg_dump restores one, and event triggers in
-- each enabled state. Statements a version lacks run only where it has them.
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id integer PRIMARY KEY, region text, total integer);
CREATE TABLE public.audit (id integer PRIMARY KEY, what text);
INSERT INTO sales.orders VALUES (1, 'north', 10), (2, 'south', 20);
INSERT INTO public.audit VALUES (1, 'made');
CREATE PUBLICATION pub_all FOR ALL TABLES WITH (publish = 'insert, update', publish_via_partition_root = true);
CREATE PUBLICATION pub_some FOR TABLE public.audit WITH (publish = 'insert');
ALTER PUBLICATION pub_some OWNER TO app_owner;
COMMENT ON PUBLICATION pub_some IS 'audit only';
DO $$
BEGIN
	IF current_setting('server_version_num')::int >= 150000 THEN
		EXECUTE 'CREATE PUBLICATION pub_filtered FOR TABLE sales.orders (id, region) WHERE (region <> ''south'')';
		EXECUTE 'CREATE PUBLICATION pub_schema FOR TABLES IN SCHEMA sales';
	ELSE
		EXECUTE 'CREATE PUBLICATION pub_filtered FOR TABLE sales.orders';
	END IF;
END $$;
CREATE SUBSCRIPTION sub_off CONNECTION 'host=192.0.2.1 port=5432 dbname=nowhere application_name=''x y'''
	PUBLICATION pub_a, "pub B" WITH (connect = false, slot_name = NONE, synchronous_commit = 'local');
CREATE SUBSCRIPTION sub_slot CONNECTION 'host=192.0.2.1 dbname=nowhere' PUBLICATION pub_a WITH (connect = false);
COMMENT ON SUBSCRIPTION sub_off IS 'never connected';
CREATE FUNCTION public.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER ddl_seen ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
	EXECUTE FUNCTION public.log_ddl();
CREATE EVENT TRIGGER drops_seen ON sql_drop EXECUTE FUNCTION public.log_ddl();
ALTER EVENT TRIGGER drops_seen DISABLE;
CREATE EVENT TRIGGER always_seen ON ddl_command_start EXECUTE FUNCTION public.log_ddl();
ALTER EVENT TRIGGER always_seen ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER ddl_seen IS 'watches DDL';
