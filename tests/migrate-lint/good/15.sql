CREATE TABLE t (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
