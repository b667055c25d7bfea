-- sqlite 3.45.1
SELECT id FROM users WHERE (id IS NULL OR 1 = 1)
-- returns rows: true ["id"]
-- args: 0
