-- Keys and indexes: primary, unique (with INCLUDE, deferrable), exclusion,
-- foreign keys (deferrable, cascading, self-referencing, a cycle between
-- two tables), partial, expression and multi-column indexes, a clustered
-- index, replica identity by index, extended statistics.
CREATE TABLE public.a (id integer PRIMARY KEY, b_id integer, code text, during tstzrange,
    CONSTRAINT a_code_uq UNIQUE (code) INCLUDE (id) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&));
CREATE TABLE public.b (id integer PRIMARY KEY, a_id integer REFERENCES public.a ON DELETE SET NULL DEFERRABLE,
    parent integer REFERENCES public.b (id) ON UPDATE CASCADE, x integer, y integer);
ALTER TABLE public.a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES public.b (id) MATCH FULL NOT VALID;
INSERT INTO public.a VALUES (1, NULL, 'one', '[2024-01-01,2024-02-01)'), (2, NULL, 'two', '[2024-02-01,2024-03-01)');
INSERT INTO public.b VALUES (10, 1, NULL, 1, 2), (11, 2, 10, 2, 4);
UPDATE public.a SET b_id = 10 WHERE id = 1;
CREATE INDEX b_xy ON public.b (x, y DESC NULLS LAST);
CREATE INDEX b_lower ON public.b ((x + y)) WHERE x > 0;
CREATE UNIQUE INDEX a_code_lower ON public.a (lower(code)) WITH (fillfactor = 80);
CREATE INDEX a_code_hash ON public.a USING hash (code);
CREATE INDEX a_during_brin ON public.a USING brin (id);
ALTER INDEX b_lower ALTER COLUMN 1 SET STATISTICS 200;
ALTER TABLE public.b CLUSTER ON b_xy;
ALTER TABLE public.b REPLICA IDENTITY USING INDEX b_pkey;
CREATE STATISTICS public.b_xy_stats (dependencies, ndistinct) ON x, y FROM public.b;
ALTER STATISTICS public.b_xy_stats SET STATISTICS 300;
SELECT current_setting('server_version_num')::int >= 140000 AS pg14 \gset
\if :pg14
CREATE STATISTICS public.b_expr_stats ON (x * 2), y FROM public.b;
\endif
COMMENT ON INDEX public.b_xy IS 'two columns';
COMMENT ON CONSTRAINT a_code_uq ON public.a IS 'codes are unique';
COMMENT ON STATISTICS public.b_xy_stats IS 'correlated';
