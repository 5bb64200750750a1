-- Extensions with configuration tables (pg_extension_config_dump): PostGIS
-- (spatial_ref_sys, whose filter keeps the extension's own rows out of a
-- dump) and pg_partman (part_config and part_config_sub, the second with a
-- foreign key to the first, so their rows load in that order). Only Debian's
-- server has them; on the other versions this fixture does not load.
CREATE EXTENSION postgis;
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman WITH SCHEMA partman;
INSERT INTO public.spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text)
VALUES (990001, 'pgops', 990001, '', '+proj=longlat +datum=WGS84 +no_defs');
CREATE TABLE public.places (id int PRIMARY KEY, name text, geom geometry(Point, 4326));
CREATE INDEX places_geom ON public.places USING gist (geom);
INSERT INTO public.places VALUES (1, 'harbour', ST_SetSRID(ST_MakePoint(10.0, 53.5), 4326)),
	(2, 'hill', ST_SetSRID(ST_MakePoint(-3.2, 55.9), 4326));
CREATE TABLE public.events (id bigint NOT NULL, at timestamptz NOT NULL DEFAULT now(), body text)
	PARTITION BY RANGE (id);
SELECT partman.create_parent('public.events', 'id', 'native', '10');
-- What create_sub_parent records, without making its partitions.
INSERT INTO partman.part_config_sub (sub_parent, sub_control, sub_partition_interval, sub_partition_type)
VALUES ('public.events', 'id', '5', 'native');
INSERT INTO public.events (id, body) SELECT g, 'e' || g FROM generate_series(1, 25) g;
UPDATE partman.part_config SET retention = '100', retention_keep_table = false
	WHERE parent_table = 'public.events';
