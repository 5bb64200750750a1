-- Security labels, from PostgreSQL's test label provider (dummy_seclabel,
-- built by the test harness for Debian's 15 server): loaded here, then for
-- every new session of the cluster, so that copies restore them. Where the
-- module cannot load (other server versions) this fixture does not load.
\getenv so PGOPS_SECLABEL_SO
LOAD :'so';
ALTER SYSTEM SET session_preload_libraries = :'so';
SELECT pg_reload_conf(), pg_sleep(0.2);
CREATE SCHEMA secret_stuff;
CREATE TABLE secret_stuff.files (id integer PRIMARY KEY, path text, owner_name text);
INSERT INTO secret_stuff.files VALUES (1, '/etc/shadow', 'root');
CREATE VIEW secret_stuff.file_paths AS SELECT path FROM secret_stuff.files;
CREATE SEQUENCE secret_stuff.ticket;
CREATE FUNCTION secret_stuff.peek(integer) RETURNS text LANGUAGE sql AS 'select path from secret_stuff.files where id = $1';
CREATE TYPE secret_stuff.level AS ENUM ('low', 'high');
CREATE PUBLICATION secret_pub FOR TABLE secret_stuff.files;
SECURITY LABEL FOR dummy ON SCHEMA secret_stuff IS 'classified';
SECURITY LABEL FOR dummy ON TABLE secret_stuff.files IS 'secret';
SECURITY LABEL FOR dummy ON COLUMN secret_stuff.files.path IS 'top secret';
SECURITY LABEL FOR dummy ON VIEW secret_stuff.file_paths IS 'unclassified';
SECURITY LABEL FOR dummy ON SEQUENCE secret_stuff.ticket IS 'classified';
SECURITY LABEL FOR dummy ON FUNCTION secret_stuff.peek(integer) IS 'secret';
SECURITY LABEL FOR dummy ON TYPE secret_stuff.level IS 'unclassified';
SECURITY LABEL FOR dummy ON PUBLICATION secret_pub IS 'classified';
SELECT lo_from_bytea(990101, 'a secret');
SECURITY LABEL FOR dummy ON LARGE OBJECT 990101 IS 'top secret';
