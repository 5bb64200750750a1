-- Plays (bets) placed at a banca by a user; amounts in cents.
CREATE TYPE play_status AS ENUM ('open', 'won', 'lost', 'void');

CREATE TABLE plays (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES users (id),
	banca_id integer NOT NULL REFERENCES bancas (id),
	numbers smallint[] NOT NULL CHECK (cardinality(numbers) BETWEEN 1 AND 6),
	amount_cents bigint NOT NULL CHECK (amount_cents > 0),
	status play_status NOT NULL DEFAULT 'open',
	placed_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plays_user_placed_idx ON plays (user_id, placed_at DESC);
CREATE TRIGGER plays_touch BEFORE UPDATE ON plays
	FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
