-- Runtime settings the service reads at start-up.
CREATE TABLE settings (
	key text PRIMARY KEY,
	value jsonb NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings (key, value) VALUES
	('payout_ratio', '0.92'),
	('max_stake_cents', '500000'),
	('maintenance', 'false');
