-- mysql 8.0.36
SELECT id FROM users WHERE (id IS NULL OR 1 = 1)
-- returns rows: true ["id"]
-- args: 0
