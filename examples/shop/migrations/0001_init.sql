-- The shop's schema (PostgreSQL). Applied in file-name order by the shop's migration tool.
CREATE TABLE customers (
  id          bigserial PRIMARY KEY,
  email       text NOT NULL UNIQUE,
  full_name   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
  id        bigserial PRIMARY KEY,
  name      text NOT NULL,
  category  text NOT NULL,
  price     numeric(10, 2) NOT NULL
);

CREATE TABLE orders (
  id                bigserial PRIMARY KEY,
  customer_id       bigint NOT NULL REFERENCES customers (id),
  status            text NOT NULL DEFAULT 'new',
  total             numeric(10, 2) NOT NULL,
  shipping_street   text NOT NULL,
  shipping_city     text NOT NULL,
  shipping_postcode text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
