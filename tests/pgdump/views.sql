-- Views on views, options and check options, a recursive view, column
-- defaults on a view, materialized views (one on another, one not
-- populated, one with an index), rules, and triggers of every kind.
CREATE TABLE public.emp (id integer PRIMARY KEY, boss integer REFERENCES public.emp, name text, salary numeric);
INSERT INTO public.emp VALUES (1, NULL, 'ceo', 100), (2, 1, 'cto', 80), (3, 2, 'dev', 50), (4, 2, 'dev2', 55);
CREATE VIEW public.v_zz_base AS SELECT id, boss, name FROM public.emp WHERE salary > 0;
CREATE VIEW public.v_aa_on_base AS SELECT id, upper(name) AS name FROM public.v_zz_base;
CREATE VIEW public.v_mm_on_on AS SELECT count(*) AS n FROM public.v_aa_on_base;
CREATE VIEW public.v_checked WITH (security_barrier = true) AS SELECT * FROM public.emp WHERE salary < 1000 WITH LOCAL CHECK OPTION;
CREATE VIEW public.v_cascaded AS SELECT * FROM public.v_checked WHERE id > 0 WITH CASCADED CHECK OPTION;
SELECT current_setting('server_version_num')::int >= 150000 AS pg15 \gset
\if :pg15
CREATE VIEW public.v_invoker WITH (security_invoker = true) AS SELECT name FROM public.emp;
\else
CREATE VIEW public.v_invoker AS SELECT name FROM public.emp;
\endif
ALTER VIEW public.v_checked ALTER COLUMN salary SET DEFAULT 1;
CREATE RECURSIVE VIEW public.chain (id, depth) AS SELECT id, 0 FROM public.emp WHERE boss IS NULL
    UNION ALL SELECT e.id, c.depth + 1 FROM public.emp e JOIN chain c ON e.boss = c.id;
CREATE MATERIALIZED VIEW public.mv_payroll AS SELECT boss, sum(salary) AS total FROM public.emp GROUP BY boss;
CREATE UNIQUE INDEX mv_payroll_boss ON public.mv_payroll (boss);
CREATE MATERIALIZED VIEW public.mv_on_mv AS SELECT count(*) AS bosses FROM public.mv_payroll;
CREATE MATERIALIZED VIEW public.mv_empty AS SELECT * FROM public.emp WITH NO DATA;
COMMENT ON VIEW public.v_aa_on_base IS 'upper-cased';
COMMENT ON MATERIALIZED VIEW public.mv_payroll IS 'totals';
COMMENT ON COLUMN public.v_aa_on_base.name IS 'shouting';
CREATE TABLE public.audit (at timestamptz DEFAULT now(), what text);
CREATE RULE emp_log AS ON DELETE TO public.emp DO ALSO INSERT INTO public.audit (what) VALUES ('deleted ' || OLD.name);
CREATE RULE emp_quiet AS ON UPDATE TO public.audit DO INSTEAD NOTHING;
ALTER TABLE public.audit DISABLE RULE emp_quiet;
CREATE FUNCTION public.log_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.audit (what) VALUES (TG_OP); RETURN NULL; END $$;
CREATE TRIGGER emp_after AFTER INSERT OR UPDATE OF salary ON public.emp FOR EACH ROW EXECUTE FUNCTION public.log_it();
CREATE TRIGGER emp_stmt AFTER DELETE ON public.emp REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION public.log_it();
CREATE CONSTRAINT TRIGGER emp_deferred AFTER INSERT ON public.emp DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.log_it();
CREATE TRIGGER emp_disabled BEFORE TRUNCATE ON public.emp FOR EACH STATEMENT EXECUTE FUNCTION public.log_it();
ALTER TABLE public.emp DISABLE TRIGGER emp_disabled;
CREATE TRIGGER emp_always AFTER UPDATE ON public.emp FOR EACH ROW EXECUTE FUNCTION public.log_it();
ALTER TABLE public.emp ENABLE ALWAYS TRIGGER emp_always;
CREATE FUNCTION public.v_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER v_instead INSTEAD OF INSERT ON public.v_invoker FOR EACH ROW EXECUTE FUNCTION public.v_ins();
INSERT INTO public.audit (at, what) VALUES ('2024-01-01 00:00:00+00', 'seed');
-- A view that groups by a primary key (functional dependency) needs the key.
CREATE TABLE public.keyed (id integer PRIMARY KEY, data text);
INSERT INTO public.keyed VALUES (1, 'a');
CREATE VIEW public.by_key AS SELECT id, data FROM public.keyed GROUP BY id;
