-- Partitioned tables (range, list, hash, sub-partitions, a default
-- partition) with keys, indexes and foreign keys on the partitioned parent,
-- and classic inheritance with two parents and local columns.
CREATE TABLE public.measurement (
    city_id integer NOT NULL,
    logdate date NOT NULL,
    peaktemp integer DEFAULT 0,
    note text,
    PRIMARY KEY (city_id, logdate)
) PARTITION BY RANGE (logdate);
CREATE TABLE public.measurement_2024 PARTITION OF public.measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.measurement_2025 PARTITION OF public.measurement
    (peaktemp DEFAULT 25, CONSTRAINT sane CHECK (peaktemp < 60))
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (city_id);
CREATE TABLE public.measurement_2025_c1 PARTITION OF public.measurement_2025 FOR VALUES IN (1, 2);
CREATE TABLE public.measurement_2025_rest PARTITION OF public.measurement_2025 DEFAULT;
CREATE TABLE public.measurement_old PARTITION OF public.measurement DEFAULT;
CREATE INDEX measurement_peak ON public.measurement (peaktemp) WHERE peaktemp > 30;
CREATE INDEX ON public.measurement_2024 (note);
INSERT INTO public.measurement SELECT g % 5, date '2023-06-01' + g, g % 50, 'n' || g FROM generate_series(1, 900) g;
CREATE TABLE public.cities (id integer PRIMARY KEY, name text);
INSERT INTO public.cities SELECT g, 'city ' || g FROM generate_series(0, 4) g;
ALTER TABLE public.measurement ADD CONSTRAINT measurement_city_fk FOREIGN KEY (city_id) REFERENCES public.cities (id);
CREATE TABLE public.readings (city_id integer, logdate date, val numeric,
    FOREIGN KEY (city_id, logdate) REFERENCES public.measurement (city_id, logdate) ON DELETE CASCADE);
INSERT INTO public.readings VALUES (1, date '2023-06-02', 1.5);
CREATE TABLE public.hashed (id integer, v text) PARTITION BY HASH (id);
CREATE TABLE public.hashed_0 PARTITION OF public.hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.hashed_1 PARTITION OF public.hashed FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO public.hashed SELECT g, md5(g::text) FROM generate_series(1, 100) g;
CREATE TABLE public.animal (name text NOT NULL, legs integer DEFAULT 4 CHECK (legs >= 0));
CREATE TABLE public.pet (owner text);
CREATE TABLE public.dog (breed text, legs integer DEFAULT 4) INHERITS (public.animal, public.pet);
ALTER TABLE public.dog ALTER COLUMN owner SET NOT NULL;
ALTER TABLE public.dog ALTER COLUMN owner SET DEFAULT 'nobody';
INSERT INTO public.animal VALUES ('snake', 0);
INSERT INTO public.dog (name, breed, owner) VALUES ('rex', 'collie', 'ann');
COMMENT ON TABLE public.measurement IS 'partitioned by date';
-- Generated columns inherited, and a NOT VALID CHECK on a parent with children.
CREATE TABLE public.gen_parent (a integer, b integer GENERATED ALWAYS AS (a * 2) STORED);
CREATE TABLE public.gen_child (a integer, b integer) INHERITS (public.gen_parent);
INSERT INTO public.gen_child (a) VALUES (3);
CREATE TABLE public.nv_parent (d integer);
CREATE TABLE public.nv_child () INHERITS (public.nv_parent);
INSERT INTO public.nv_child VALUES (-1);
ALTER TABLE public.nv_parent ADD CONSTRAINT nv_positive CHECK (d > 0) NOT VALID;
-- A partitioned index not yet attached on every partition is invalid, and
-- stays so in the copy.
CREATE TABLE public.idx_parent (a integer) PARTITION BY RANGE (a);
CREATE TABLE public.idx_p1 PARTITION OF public.idx_parent FOR VALUES FROM (0) TO (10);
CREATE TABLE public.idx_p2 PARTITION OF public.idx_parent FOR VALUES FROM (10) TO (20);
CREATE INDEX idx_parent_a ON ONLY public.idx_parent (a);
CREATE INDEX idx_p1_a ON public.idx_p1 (a);
ALTER INDEX public.idx_parent_a ATTACH PARTITION public.idx_p1_a;
-- A trigger on a partitioned table is cloned onto each partition; a
-- partition's own enabled state (disabled, replica, always) differs from
-- the parent's and must survive.
CREATE FUNCTION public.measure_touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER measure_touch BEFORE UPDATE ON public.measurement FOR EACH ROW EXECUTE FUNCTION public.measure_touch();
ALTER TABLE public.measurement_2024 DISABLE TRIGGER measure_touch;
ALTER TABLE public.measurement_2025 ENABLE REPLICA TRIGGER measure_touch;
-- A partition attached with its own column order and a default of its own
-- (pg_dump makes partitions as tables and attaches them, keeping both).
CREATE TABLE public.by_region (region text NOT NULL, n integer CHECK (n >= 0)) PARTITION BY LIST (region);
CREATE TABLE public.by_region_north (n integer DEFAULT 1 CONSTRAINT by_region_n_check CHECK (n >= 0), region text NOT NULL);
ALTER TABLE public.by_region ATTACH PARTITION public.by_region_north FOR VALUES IN ('north');
CREATE TABLE public.by_region_south PARTITION OF public.by_region FOR VALUES IN ('south');
INSERT INTO public.by_region VALUES ('north', 4), ('south', 5);
