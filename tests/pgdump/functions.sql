-- Functions, procedures and aggregates, and objects that depend on them:
-- defaults and CHECKs calling functions, a BEGIN ATOMIC body over a table,
-- a function over a table's row type, SET clauses, SECURITY DEFINER.
CREATE SCHEMA fn;
CREATE FUNCTION fn.next_code() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN 'C-' || floor(random() * 1000)::int;
END $$;
CREATE FUNCTION fn.valid_code(c text) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT c ~ '^C-[0-9]+$' $$;
CREATE TABLE fn.items (
    id serial PRIMARY KEY,
    code text DEFAULT fn.next_code() CHECK (fn.valid_code(code)),
    qty integer NOT NULL DEFAULT 1
);
INSERT INTO fn.items (code, qty) VALUES ('C-1', 3), ('C-22', 5);
SELECT current_setting('server_version_num')::int >= 140000 AS pg14 \gset
\if :pg14
CREATE FUNCTION fn.total_qty() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT sum(qty) FROM fn.items;
END;
\else
CREATE FUNCTION fn.total_qty() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT sum(qty) FROM fn.items';
\endif
CREATE FUNCTION fn.describe(it fn.items) RETURNS text LANGUAGE sql AS $$ SELECT it.code || ' x' || it.qty $$;
CREATE FUNCTION fn.many(a integer, b text DEFAULT 'd', VARIADIC rest integer[] DEFAULT '{}', OUT total integer, OUT label text)
    LANGUAGE sql AS $$ SELECT a + coalesce(array_length(rest, 1), 0), b $$;
CREATE FUNCTION fn.as_table(n integer) RETURNS TABLE (k integer, sq integer) LANGUAGE sql ROWS 10
    AS $$ SELECT g, g * g FROM generate_series(1, n) g $$;
CREATE FUNCTION fn.secure() RETURNS integer LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    SET work_mem = '64MB' COST 5 AS $$ SELECT 1 $$;
CREATE PROCEDURE fn.bump(IN by_ integer) LANGUAGE plpgsql AS $$
BEGIN
  UPDATE fn.items SET qty = qty + by_;
END $$;
CREATE FUNCTION fn.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.qty := NEW.qty; RETURN NEW; END $$;
CREATE TRIGGER items_touch BEFORE UPDATE ON fn.items FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION fn.touch();
CREATE FUNCTION fn.int_sum_state(s bigint, v integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(s, 0) + coalesce(v, 0) $$;
CREATE FUNCTION fn.int_sum_inv(s bigint, v integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT s - coalesce(v, 0) $$;
CREATE FUNCTION fn.int_sum_final(s bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'sum=' || s $$;
CREATE AGGREGATE fn.my_sum(integer) (
    SFUNC = fn.int_sum_state, STYPE = bigint, FINALFUNC = fn.int_sum_final, INITCOND = '0',
    MSFUNC = fn.int_sum_state, MINVFUNC = fn.int_sum_inv, MSTYPE = bigint, MFINALFUNC = fn.int_sum_final,
    MINITCOND = '0', PARALLEL = SAFE
);
CREATE AGGREGATE fn.my_count(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0');
CREATE AGGREGATE fn.my_max(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = >, COMBINEFUNC = int4larger);
CREATE AGGREGATE fn.my_pct(float8 ORDER BY float8) (SFUNC = ordered_set_transition, STYPE = internal,
    FINALFUNC = percentile_cont_float8_final);
COMMENT ON FUNCTION fn.valid_code(text) IS 'code format';
COMMENT ON AGGREGATE fn.my_sum(integer) IS 'sums';
COMMENT ON PROCEDURE fn.bump(integer) IS 'adds';
COMMENT ON TRIGGER items_touch ON fn.items IS 'keeps things tidy';
CREATE VIEW fn.summary AS SELECT fn.total_qty() AS total, fn.my_sum(qty) AS s FROM fn.items;
