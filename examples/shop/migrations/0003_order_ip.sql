-- Fraud screening keeps the buyer's IP address with each order (declared in the data map).
ALTER TABLE orders ADD COLUMN client_ip inet;
