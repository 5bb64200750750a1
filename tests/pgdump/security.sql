-- Ownership and privileges (table, column, sequence, function, schema, type,
-- WITH GRANT OPTION, revoked defaults) and row-level security with
-- permissive and restrictive policies, forced RLS.
CREATE SCHEMA sec AUTHORIZATION app_owner;
CREATE TABLE sec.accounts (id serial PRIMARY KEY, owner_name text, balance numeric, secret text);
ALTER TABLE sec.accounts OWNER TO app_owner;
INSERT INTO sec.accounts (owner_name, balance, secret) VALUES ('app_reader', 10, 's1'), ('other', 20, 's2');
GRANT SELECT ON sec.accounts TO app_reader;
GRANT SELECT, INSERT, UPDATE ON sec.accounts TO app_writer WITH GRANT OPTION;
GRANT SELECT (id, balance), UPDATE (balance) ON sec.accounts TO "Role With ""Quotes"" and spaces";
GRANT USAGE ON SCHEMA sec TO app_reader, app_writer;
GRANT USAGE, SELECT ON SEQUENCE sec.accounts_id_seq TO app_writer;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO app_reader;
CREATE FUNCTION sec.hidden() RETURNS integer LANGUAGE sql AS 'select 42';
REVOKE EXECUTE ON FUNCTION sec.hidden() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sec.hidden() TO app_writer;
CREATE TYPE sec.level AS ENUM ('low', 'high');
REVOKE USAGE ON TYPE sec.level FROM PUBLIC;
GRANT USAGE ON TYPE sec.level TO app_reader;
ALTER TABLE sec.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE sec.accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON sec.accounts FOR SELECT TO app_reader, app_writer USING (owner_name = current_user);
CREATE POLICY writers ON sec.accounts AS PERMISSIVE FOR UPDATE TO app_writer USING (true) WITH CHECK (balance >= 0);
CREATE POLICY no_big ON sec.accounts AS RESTRICTIVE FOR ALL USING (balance < 1000000);
CREATE POLICY ins ON sec.accounts FOR INSERT WITH CHECK (balance >= 0);
COMMENT ON POLICY own_rows ON sec.accounts IS 'see your own';
CREATE TABLE sec.empty_acl (x integer);
REVOKE ALL ON sec.empty_acl FROM app_owner, PUBLIC;
CREATE VIEW sec.v AS SELECT id FROM sec.accounts;
ALTER VIEW sec.v OWNER TO app_reader;
ALTER FUNCTION sec.hidden() OWNER TO app_owner;
ALTER TYPE sec.level OWNER TO app_writer;
-- Default privileges: global ones replace the built-in defaults, per-schema
-- ones add to them.
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT ON TABLES TO app_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA sec GRANT INSERT, UPDATE ON TABLES TO app_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT USAGE ON SEQUENCES TO app_writer WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA sec GRANT SELECT ON TABLES TO "Role With ""Quotes"" and spaces";
