-- Extensions from contrib and objects that use their types, functions and
-- operator classes; the extensions' own members are not dumped.
CREATE EXTENSION citext;
CREATE EXTENSION pg_trgm WITH SCHEMA public;
CREATE SCHEMA ext;
CREATE EXTENSION hstore WITH SCHEMA ext;
CREATE TABLE public.users_ci (email citext PRIMARY KEY, attrs ext.hstore, bio text);
CREATE INDEX users_bio_trgm ON public.users_ci USING gin (bio gin_trgm_ops);
INSERT INTO public.users_ci VALUES ('Ann@Example.com', 'a=>1, b=>"x y"', 'likes cats'), ('bob@example.com', NULL, NULL);
COMMENT ON EXTENSION citext IS 'case-insensitive text, our comment';
-- Text search: a dictionary with options, a configuration copied from
-- english with one mapping changed, used by a generated column and an index.
CREATE TEXT SEARCH DICTIONARY public.my_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION public.my_search (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION public.my_search ALTER MAPPING FOR asciiword WITH public.my_stop, english_stem;
COMMENT ON TEXT SEARCH CONFIGURATION public.my_search IS 'site search';
CREATE TABLE public.docs (body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('public.my_search', body)) STORED);
CREATE INDEX docs_fts ON public.docs USING gin (to_tsvector('public.my_search'::regconfig, body));
INSERT INTO public.docs (body) VALUES ('The quick brown foxes jumped'), ('Über straße');
-- Privileges changed on what initdb or an extension made (pg_dump compares
-- them with pg_init_privs): a pg_catalog function, a language, an
-- extension's function.
GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) TO app_reader;
REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC;
GRANT USAGE ON LANGUAGE plpgsql TO app_writer;
REVOKE EXECUTE ON FUNCTION public.similarity(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.similarity(text, text) TO app_reader;
