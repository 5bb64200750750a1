-- The cluster-wide objects of pgdump-globals.t: 14 roles with every kind of
-- attribute, nested memberships with their options and grantors, role
-- settings and comments. Runs under psql on PostgreSQL 13 to 18; what 16
-- added (INHERIT and SET on a membership) only there.
SELECT current_setting('server_version_num')::int >= 160000 AS v16 \gset
SET password_encryption = 'scram-sha-256';
CREATE ROLE g_admin LOGIN SUPERUSER PASSWORD 'admin-secret';
CREATE ROLE g_app LOGIN PASSWORD 'app-secret' CONNECTION LIMIT 20 VALID UNTIL '2031-06-01 12:00:00+00';
CREATE ROLE g_readonly NOLOGIN;
CREATE ROLE g_readwrite NOLOGIN NOINHERIT;
CREATE ROLE g_creator LOGIN CREATEDB CREATEROLE;
CREATE ROLE g_repl LOGIN REPLICATION PASSWORD 'repl-secret';
CREATE ROLE g_rls NOLOGIN BYPASSRLS;
CREATE ROLE g_expired LOGIN VALID UNTIL '2001-01-01 00:00:00+00';
CREATE ROLE g_forever LOGIN VALID UNTIL 'infinity';
CREATE ROLE "g Mixed Case" NOLOGIN;
CREATE ROLE "g'quote""double $pgops$" NOLOGIN;
CREATE ROLE g_team NOLOGIN;
CREATE ROLE g_lead LOGIN;
-- in the dump a plain role; in the target the superuser that restores it
CREATE ROLE restorer NOLOGIN;
-- reads the catalog as a managed service's admin would: no pg_authid
CREATE ROLE dumper LOGIN;

GRANT g_readonly TO g_readwrite;
GRANT g_readwrite TO g_app WITH ADMIN OPTION;
GRANT g_team TO g_lead WITH ADMIN OPTION;
GRANT pg_read_all_settings TO g_readonly;
GRANT g_readonly TO "g'quote""double $pgops$";
-- granted by a role that holds ADMIN, not by a superuser
SET ROLE g_lead;
GRANT g_team TO "g Mixed Case";
RESET ROLE;
\if :v16
GRANT g_rls TO g_creator WITH INHERIT FALSE, SET FALSE;
GRANT g_readonly TO g_lead WITH INHERIT TRUE, SET FALSE;
GRANT g_team TO g_repl WITH ADMIN TRUE, INHERIT FALSE, SET TRUE GRANTED BY g_lead;
\endif

ALTER ROLE g_app SET search_path = app, public, "$user";
ALTER ROLE g_app SET statement_timeout = '30s';
ALTER ROLE g_readonly SET default_transaction_read_only = on;
ALTER ROLE "g Mixed Case" SET application_name = 'it''s mixed';
-- one database's: pg_dump --create's to write, not the globals'
ALTER ROLE g_app IN DATABASE postgres SET work_mem = '8MB';

COMMENT ON ROLE g_app IS 'the application''s login';
COMMENT ON ROLE "g Mixed Case" IS 'mixed';
