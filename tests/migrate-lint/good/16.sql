CREATE TABLE invoices (id bigint);
CREATE INDEX invoices_id ON invoices (id);
ALTER TABLE invoices ADD PRIMARY KEY (id);
ALTER TABLE invoices ALTER COLUMN id SET NOT NULL;
