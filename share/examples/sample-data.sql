-- Sample data for the demo: deterministic (setseed), a few MB.
SELECT setseed(0.42);
INSERT INTO users (email, display_name, role, created_at)
SELECT format('user%s@example.com', g), format('User %s', g),
	(CASE WHEN g % 97 = 0 THEN 'agent' WHEN g = 1 THEN 'admin' ELSE 'player' END)::user_role,
	now() - make_interval(days => (random() * 700)::int)
FROM generate_series(1, 5000) g;
INSERT INTO sucursales (code, name, city)
SELECT format('SUC-%s', lpad(g::text, 3, '0')), format('Sucursal %s', g),
	(ARRAY['Santo Domingo', 'Santiago', 'La Romana', 'Punta Cana', 'Puerto Plata'])[1 + g % 5]
FROM generate_series(1, 40) g;
INSERT INTO bancas (sucursal_id, agent_id, serial)
SELECT 1 + g % 40, CASE WHEN g % 3 = 0 THEN NULL ELSE 97 * (1 + g % 51) END, format('BNC-%s', g)
FROM generate_series(1, 400) g;
INSERT INTO plays (user_id, banca_id, numbers, amount_cents, status, placed_at)
SELECT 1 + (random() * 4999)::int, 1 + (random() * 399)::int,
	ARRAY[(random() * 99)::smallint, (random() * 99)::smallint, (random() * 99)::smallint],
	(50 + random() * 5000)::bigint,
	(ARRAY['open', 'won', 'lost', 'lost', 'void'])[1 + g % 5]::play_status,
	now() - make_interval(mins => g)
FROM generate_series(1, 40000) g;
INSERT INTO wallet_transactions (user_id, play_id, amount_cents, kind, idempotency_key, created_at)
SELECT p.user_id, p.id, -p.amount_cents, 'stake', md5('stake' || p.id)::uuid, p.placed_at FROM plays p;
INSERT INTO wallet_transactions (user_id, play_id, amount_cents, kind, idempotency_key, created_at)
SELECT p.user_id, p.id, p.amount_cents * 70, 'payout', md5('payout' || p.id)::uuid, p.placed_at + interval '1 hour'
FROM plays p WHERE p.status = 'won';
INSERT INTO webhook_events (source, event_id, payload, received_at, processed_at)
SELECT (ARRAY['payments', 'kyc', 'lottery-results'])[1 + g % 3], format('evt_%s', g),
	jsonb_build_object('id', g, 'type', 'charge.succeeded', 'amount', g * 10, 'note', 'señal "ok"\n'),
	now() - make_interval(mins => g * 3), CASE WHEN g % 10 = 0 THEN NULL ELSE now() END
FROM generate_series(1, 8000) g;
INSERT INTO outgoing_requests (url, body, attempts, last_status, event_id)
SELECT 'https://partner.example/hooks', jsonb_build_object('event', g), g % 4,
	(ARRAY[NULL, 200, 503, 500])[1 + g % 4], g
FROM generate_series(1, 2000) g;
ANALYZE;
