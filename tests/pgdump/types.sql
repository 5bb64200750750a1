-- Types: enums, composites, ranges (with a multirange name), domains with
-- defaults, collations, CHECKs (one NOT VALID), and tables using them.
-- What a server version lacks is left out there (psql's \if).
SELECT current_setting('server_version_num')::int >= 140000 AS pg14,
       current_setting('server_version_num')::int >= 150000 AS pg15 \gset
CREATE SCHEMA kinds;
CREATE TYPE kinds.mood AS ENUM ('sad', 'ok', 'happy', 'it''s complicated');
ALTER TYPE kinds.mood ADD VALUE 'meh' BEFORE 'ok';
CREATE TYPE kinds.address AS (street text COLLATE "C", city text, zip varchar(10), tags text[]);
\if :pg14
CREATE TYPE kinds.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi, multirange_type_name = kinds.floatmulti);
\else
CREATE TYPE kinds.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE DOMAIN kinds.floatmulti AS text;
\endif
CREATE FUNCTION kinds.is_even(i integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select $1 % 2 = 0';
CREATE DOMAIN kinds.even_int AS integer DEFAULT 2 NOT NULL CONSTRAINT must_be_even CHECK (kinds.is_even(VALUE));
CREATE DOMAIN kinds.email AS text COLLATE "C" CONSTRAINT has_at CHECK (VALUE ~ '@');
CREATE DOMAIN kinds.positive AS numeric(12,2) CHECK (VALUE > 0);
CREATE DOMAIN kinds.short_text AS varchar(20);
COMMENT ON DOMAIN kinds.email IS 'an e-mail address';
COMMENT ON TYPE kinds.mood IS 'how it went';
COMMENT ON CONSTRAINT has_at ON DOMAIN kinds.email IS 'cheap check';
CREATE TABLE kinds.things (
    id integer PRIMARY KEY,
    m kinds.mood,
    moods kinds.mood[],
    addr kinds.address,
    r kinds.floatrange,
    mr kinds.floatmulti,
    e kinds.even_int,
    mail kinds.email,
    amount kinds.positive,
    s kinds.short_text
);
INSERT INTO kinds.things VALUES
 (1, 'happy', '{sad,happy}', ROW('Main St 1', 'Springfield', '12345', '{a,b}'), '[1.5,2.5)', '{[1,2),[3,4)}', 4, 'a@b.c', 10.50, 'x'),
 (2, 'it''s complicated', '{}', NULL, 'empty', '{}', 2, NULL, NULL, NULL),
 (3, 'meh', NULL, ROW(NULL, 'Köln', NULL, NULL), '(,)', NULL, 0, 'q@r', 0.01, '');
-- A domain constraint added NOT VALID over data that breaks it.
CREATE DOMAIN kinds.small AS integer;
CREATE TABLE kinds.smalls (v kinds.small);
INSERT INTO kinds.smalls VALUES (5), (500);
ALTER DOMAIN kinds.small ADD CONSTRAINT small_max CHECK (VALUE < 100) NOT VALID;
-- Collations: a case-insensitive ICU one used by a column, a libc one.
CREATE COLLATION kinds.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION kinds.c_libc (provider = libc, locale = 'C');
COMMENT ON COLLATION kinds.ci IS 'case-insensitive';
CREATE TABLE kinds.people (email text COLLATE kinds.ci UNIQUE, nick text COLLATE kinds.c_libc);
INSERT INTO kinds.people VALUES ('Ann@Example.com', 'ann'), ('bob@example.com', 'Bob');
-- Casts: through a function, by I/O conversion, binary-coercible.
CREATE FUNCTION kinds.address_text(a kinds.address) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT a.street || ', ' || a.city $$;
CREATE CAST (kinds.address AS text) WITH FUNCTION kinds.address_text(kinds.address) AS ASSIGNMENT;
CREATE CAST (kinds.mood AS varchar) WITH INOUT;
CREATE TYPE kinds.pair AS (a integer, b integer);
CREATE CAST (kinds.pair AS kinds.address) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (kinds.mood AS varchar) IS 'labels as text';
