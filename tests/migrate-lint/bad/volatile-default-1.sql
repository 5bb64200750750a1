ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();
