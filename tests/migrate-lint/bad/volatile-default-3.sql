ALTER TABLE events ADD created_at timestamptz DEFAULT clock_timestamp();
