-- mysql 8.0.36
SELECT users.id FROM users ORDER BY users.name, users.id DESC
-- returns rows: true ["id"]
-- args: 0
