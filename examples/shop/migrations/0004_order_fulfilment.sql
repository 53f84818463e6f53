-- Order fulfilment tracking. DELIBERATE migration-safety flaws for vigil's migrations scanner
-- (see "Planted migration flaws" in ../README.md): every statement below locks or rewrites the
-- live orders table, and no lock_timeout or statement_timeout is set first.
ALTER TABLE orders ADD COLUMN fulfilment_state text NOT NULL;

CREATE INDEX orders_status_idx ON orders (status);

ALTER TABLE orders ADD COLUMN product_id bigint;
ALTER TABLE orders ADD CONSTRAINT orders_product_fk FOREIGN KEY (product_id) REFERENCES products (id);

ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);

-- backfill in one statement: every row stays locked until the migration commits
UPDATE orders SET fulfilment_state = 'pending';

VACUUM FULL orders;

CREATE VIEW order_fulfilment AS
  SELECT id, status, fulfilment_state FROM orders;
