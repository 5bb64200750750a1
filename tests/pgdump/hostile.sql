-- Names, labels, comments and data that try to break out of their quotes:
-- quotes, backslashes, newlines, semicolons, comment markers, psql
-- meta-commands (which would create the file pgops-pwned-marker in the
-- current directory if they ever ran), keywords, case, unicode.
CREATE SCHEMA "Weird ""Schema""
\! touch pgops-pwned-marker
";
CREATE SCHEMA "select";
CREATE TABLE "Weird ""Schema""
\! touch pgops-pwned-marker
"."Table; DROP TABLE x; --" (
    "col""quote" text,
    "back\slash" text,
    "new
line" integer,
    "user" text,
    "Ünïcødé ✓" text,
    "*/ -- \\" text,
    "$$" text
);
INSERT INTO "Weird ""Schema""
\! touch pgops-pwned-marker
"."Table; DROP TABLE x; --" VALUES
 (E'\\.', E'a\\b', 1, E'line1\n\\.\nline3', E'tab\tcr\r', '''; \! touch pgops-pwned-marker', '$$ $q$'),
 (E'\n\\.\n', NULL, NULL, '', NULL, E'\\\\', NULL);
CREATE TABLE "select"."from" ("where" integer PRIMARY KEY, "Group" text, "ORDER" text);
INSERT INTO "select"."from" VALUES (1, 'g', 'o');
CREATE INDEX "idx ""quoted""; \! touch pgops-pwned-marker" ON "select"."from" ("Group");
CREATE TYPE "select"."enum ""e""" AS ENUM ('a''b', E'back\\slash', 'new
line', '\! touch pgops-pwned-marker');
CREATE FUNCTION "select"."f(""x"")"("arg ""1""" integer) RETURNS integer LANGUAGE sql AS $body$ SELECT $1 + 1 $body$;
CREATE VIEW "select"."view
two lines" AS SELECT "where" AS "a ""b""", "Group" FROM "select"."from";
COMMENT ON TABLE "select"."from" IS E'comment with \'quote\', newline\n\\! touch pgops-pwned-marker\nand backslash \\';
COMMENT ON COLUMN "select"."from"."Group" IS '*/ -- $$ ;';
CREATE SEQUENCE "select"."seq ""s""";
SELECT setval('"select"."seq ""s"""', 5);
CREATE TABLE public."MixedCase" ("Id" integer, "lower" integer, "UPPER" integer);
INSERT INTO public."MixedCase" VALUES (1, 2, 3);
GRANT SELECT ON "select"."from" TO "Role With ""Quotes"" and spaces";
