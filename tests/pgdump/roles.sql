-- Cluster-wide roles the fixtures grant to and own objects as (not dumped:
-- roles belong to the cluster, as with pg_dump).
CREATE ROLE app_owner;
CREATE ROLE app_reader;
CREATE ROLE app_writer;
CREATE ROLE "Role With ""Quotes"" and spaces";
