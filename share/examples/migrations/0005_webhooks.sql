-- Webhooks: what partners sent us, and the requests we owe them.
CREATE TABLE webhook_events (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	source text NOT NULL,
	event_id text NOT NULL,
	payload jsonb NOT NULL,
	received_at timestamptz NOT NULL DEFAULT now(),
	processed_at timestamptz,
	UNIQUE (source, event_id)
);
CREATE INDEX webhook_events_unprocessed_idx ON webhook_events (received_at) WHERE processed_at IS NULL;

CREATE TABLE outgoing_requests (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	url text NOT NULL,
	body jsonb NOT NULL,
	attempts integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	last_status integer,
	event_id bigint REFERENCES webhook_events (id) ON DELETE CASCADE
);
