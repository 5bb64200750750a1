-- Branches (sucursales) and the betting terminals (bancas) they run.
CREATE TABLE sucursales (
	id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code text NOT NULL UNIQUE,
	name text NOT NULL,
	city text NOT NULL,
	opened_on date NOT NULL DEFAULT current_date
);

CREATE TABLE bancas (
	id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sucursal_id integer NOT NULL REFERENCES sucursales (id),
	agent_id bigint REFERENCES users (id) ON DELETE SET NULL,
	serial text NOT NULL UNIQUE,
	active boolean NOT NULL DEFAULT true
);
CREATE INDEX bancas_sucursal_idx ON bancas (sucursal_id);
CREATE INDEX bancas_agent_idx ON bancas (agent_id) WHERE agent_id IS NOT NULL;
