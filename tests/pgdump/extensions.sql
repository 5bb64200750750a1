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
