-- Support wanted to call customers about late deliveries. The data map was not updated:
-- DELIBERATE gap for vigil's datamap drift check (an undeclared personal-data column).
ALTER TABLE customers ADD COLUMN phone text;
