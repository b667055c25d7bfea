-- sqlite 3.45.1
SELECT users.id FROM users ORDER BY users.name, users.id DESC
-- returns rows: true ["id"]
-- args: 0
