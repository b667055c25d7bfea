-- sqlite 3.45.1
SELECT id, name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
