-- mysql 8.0.36
SELECT id FROM users WHERE (id IS NULL AND 1 != 1)
-- returns rows: true ["id"]
-- args: 0
