-- mysql 8.0.36
SELECT users.id FROM users WHERE (users.id IS NULL AND 1 != 1)
-- returns rows: true ["id"]
-- args: 0
