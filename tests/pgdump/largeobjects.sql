-- Large objects: an empty one, a short one with an owner and a comment,
-- one larger than a dump chunk (128 KiB) with privileges, one with bytes
-- of every value.
SELECT lo_create(990001);
SELECT lo_from_bytea(990002, 'hello, large world');
ALTER LARGE OBJECT 990002 OWNER TO app_owner;
COMMENT ON LARGE OBJECT 990002 IS 'a greeting';
SELECT lo_from_bytea(990003, decode(repeat('0123456789abcdef', 40000), 'hex'));
GRANT SELECT ON LARGE OBJECT 990003 TO app_reader;
GRANT SELECT, UPDATE ON LARGE OBJECT 990003 TO app_writer WITH GRANT OPTION;
SELECT lo_from_bytea(990004, (SELECT string_agg(set_byte('\x00'::bytea, 0, g), '') FROM generate_series(0, 255) g));
CREATE TABLE public.documents (id integer PRIMARY KEY, blob oid);
INSERT INTO public.documents VALUES (1, 990002), (2, 990003);
