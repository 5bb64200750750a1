-- The wallet: an append-only ledger; a balance is the sum of a user's rows.
CREATE TABLE wallet_transactions (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES users (id),
	play_id bigint REFERENCES plays (id),
	amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
	kind text NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'stake', 'payout', 'refund')),
	idempotency_key uuid NOT NULL UNIQUE,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wallet_transactions_user_idx ON wallet_transactions (user_id, created_at);

CREATE VIEW wallet_balances AS
	SELECT user_id, sum(amount_cents) AS balance_cents, count(*) AS transactions
	FROM wallet_transactions GROUP BY user_id;
