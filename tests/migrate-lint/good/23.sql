INSERT INTO settings (key, value) VALUES ('a', 'b');
