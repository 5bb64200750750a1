-- Object kinds made of C functions and catalog entries: a base type (its
-- I/O functions, the server's own int4in/int4out, need its shell first),
-- a shell type, operators, a btree operator class with its family, a hash
-- family with loose members, a table access method, a typed table, a
-- procedural language, a transform, a conversion, a text search parser and
-- template. Each is used by something that holds rows where it can be.
CREATE TYPE public.myint;
CREATE FUNCTION public.myint_in(cstring) RETURNS public.myint LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION public.myint_out(public.myint) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE public.myint (INPUT = public.myint_in, OUTPUT = public.myint_out, LIKE = integer,
	CATEGORY = 'N', DEFAULT = '7');
COMMENT ON TYPE public.myint IS 'an integer of our own';
CREATE TYPE public.later;
CREATE FUNCTION public.myint_lt(public.myint, public.myint) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4lt';
CREATE FUNCTION public.myint_le(public.myint, public.myint) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4le';
CREATE FUNCTION public.myint_eq(public.myint, public.myint) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4eq';
CREATE FUNCTION public.myint_ge(public.myint, public.myint) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4ge';
CREATE FUNCTION public.myint_gt(public.myint, public.myint) RETURNS boolean LANGUAGE internal IMMUTABLE STRICT AS 'int4gt';
CREATE FUNCTION public.myint_cmp(public.myint, public.myint) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'btint4cmp';
CREATE FUNCTION public.myint_hash(public.myint) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'hashint4';
CREATE OPERATOR public.< (FUNCTION = public.myint_lt, LEFTARG = public.myint, RIGHTARG = public.myint,
	COMMUTATOR = OPERATOR(public.>), NEGATOR = OPERATOR(public.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR public.<= (FUNCTION = public.myint_le, LEFTARG = public.myint, RIGHTARG = public.myint,
	COMMUTATOR = OPERATOR(public.>=), NEGATOR = OPERATOR(public.>));
CREATE OPERATOR public.= (FUNCTION = public.myint_eq, LEFTARG = public.myint, RIGHTARG = public.myint,
	COMMUTATOR = OPERATOR(public.=), MERGES, HASHES, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR public.>= (FUNCTION = public.myint_ge, LEFTARG = public.myint, RIGHTARG = public.myint);
CREATE OPERATOR public.> (FUNCTION = public.myint_gt, LEFTARG = public.myint, RIGHTARG = public.myint);
CREATE FUNCTION public.int_eq_text(integer, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select $1::text = $2';
CREATE OPERATOR public.=== (FUNCTION = public.int_eq_text, LEFTARG = integer, RIGHTARG = text);
CREATE FUNCTION public.neg_text(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'select reverse($1)';
CREATE OPERATOR public.~~~ (FUNCTION = public.neg_text, RIGHTARG = text);
COMMENT ON OPERATOR public.=== (integer, text) IS 'an integer equal to a text';
ALTER OPERATOR public.=== (integer, text) OWNER TO app_owner;
CREATE OPERATOR CLASS public.myint_ops DEFAULT FOR TYPE public.myint USING btree AS
	OPERATOR 1 public.<, OPERATOR 2 public.<=, OPERATOR 3 public.=, OPERATOR 4 public.>=, OPERATOR 5 public.>,
	FUNCTION 1 public.myint_cmp(public.myint, public.myint);
CREATE OPERATOR FAMILY public.myint_hash_ops USING hash;
ALTER OPERATOR FAMILY public.myint_hash_ops USING hash ADD
	OPERATOR 1 public.=(public.myint, public.myint),
	FUNCTION 1 (public.myint, public.myint) public.myint_hash(public.myint);
CREATE FUNCTION public.myint_hash_ext(public.myint, bigint) RETURNS bigint LANGUAGE internal IMMUTABLE STRICT
	AS 'hashint4extended';
ALTER OPERATOR FAMILY public.myint_hash_ops USING hash ADD
	FUNCTION 2 (public.myint, public.myint) public.myint_hash_ext(public.myint, bigint);
CREATE OPERATOR CLASS public.myint_hash_class FOR TYPE public.myint USING hash FAMILY public.myint_hash_ops AS
	STORAGE public.myint;
-- Hash partitions by the class of our own (support function 2 hashes them).
CREATE TABLE public.spread (v public.myint, note text) PARTITION BY HASH (v public.myint_hash_class);
CREATE TABLE public.spread_0 PARTITION OF public.spread FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.spread_1 PARTITION OF public.spread FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO public.spread SELECT g::text::public.myint, 'n' || g FROM generate_series(1, 20) g;
COMMENT ON OPERATOR FAMILY public.myint_hash_ops USING hash IS 'loose members';
CREATE TABLE public.measures (id integer PRIMARY KEY, v public.myint, w public.myint DEFAULT '3');
CREATE INDEX measures_v ON public.measures (v);
INSERT INTO public.measures (id, v) VALUES (1, '10'), (2, '-4'), (3, '2147483647');
-- A table access method (the heap under another name) and a table using it.
CREATE ACCESS METHOD heap_copy TYPE TABLE HANDLER heap_tableam_handler;
COMMENT ON ACCESS METHOD heap_copy IS 'the heap again';
CREATE TABLE public.on_copy (x integer) USING heap_copy;
INSERT INTO public.on_copy VALUES (1), (2);
-- An index access method (BRIN under another name: its minmax functions
-- look operators up in the index's own family), its operator class and an
-- index using both.
CREATE ACCESS METHOD brin_copy TYPE INDEX HANDLER brinhandler;
CREATE OPERATOR CLASS public.int4_brin_copy_ops DEFAULT FOR TYPE integer USING brin_copy AS
	OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
	FUNCTION 1 brin_minmax_opcinfo(internal), FUNCTION 2 brin_minmax_add_value(internal, internal, internal, internal),
	FUNCTION 3 brin_minmax_consistent(internal, internal, internal), FUNCTION 4 brin_minmax_union(internal, internal, internal);
CREATE INDEX on_copy_x ON public.on_copy USING brin_copy (x);
-- A typed table, its own NOT NULL and default.
CREATE TYPE public.person AS (name text, age integer);
CREATE TABLE public.people OF public.person (name WITH OPTIONS NOT NULL, age WITH OPTIONS DEFAULT 0);
INSERT INTO public.people (name) VALUES ('ann'), ('bo');
-- A procedural language (plpgsql's handler under another name), a
-- function in it, its privileges and comment.
CREATE FUNCTION public.mylang_handler() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE TRUSTED LANGUAGE mylang HANDLER public.mylang_handler;
COMMENT ON LANGUAGE mylang IS 'plpgsql again';
CREATE FUNCTION public.in_mylang() RETURNS integer LANGUAGE mylang AS 'begin return 1; end';
REVOKE USAGE ON LANGUAGE mylang FROM PUBLIC;
GRANT USAGE ON LANGUAGE mylang TO app_writer;
-- A transform (the functions need only the right signatures), a conversion.
CREATE TRANSFORM FOR integer LANGUAGE sql (FROM SQL WITH FUNCTION prsd_lextype(internal),
	TO SQL WITH FUNCTION int4recv(internal));
CREATE CONVERSION public.my_latin1 FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
COMMENT ON CONVERSION public.my_latin1 IS 'latin1 to utf8';
-- Text search: a parser and a template of our own (the default ones'
-- functions), a dictionary and a configuration that use them, an index.
CREATE TEXT SEARCH PARSER public.my_parser (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end,
	LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
CREATE TEXT SEARCH TEMPLATE public.my_template (INIT = dsimple_init, LEXIZE = dsimple_lexize);
COMMENT ON TEXT SEARCH TEMPLATE public.my_template IS 'simple again';
CREATE TEXT SEARCH DICTIONARY public.my_dict (TEMPLATE = public.my_template, STOPWORDS = english);
CREATE TEXT SEARCH CONFIGURATION public.my_config (PARSER = public.my_parser);
ALTER TEXT SEARCH CONFIGURATION public.my_config ADD MAPPING FOR asciiword, word WITH public.my_dict;
CREATE TABLE public.notes (body text);
CREATE INDEX notes_fts ON public.notes USING gin (to_tsvector('public.my_config'::regconfig, body));
INSERT INTO public.notes VALUES ('the parsers of our own'), ('templates too');
-- A CHECK that calls a function over its own table's row type: the
-- function needs the table, so the constraint comes after both.
CREATE TABLE public.self_checked (a integer);
CREATE FUNCTION public.row_ok(public.self_checked) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select $1.a > 0';
ALTER TABLE public.self_checked ADD CONSTRAINT self_checked_ok CHECK (public.row_ok(self_checked.*));
INSERT INTO public.self_checked VALUES (1), (5);
