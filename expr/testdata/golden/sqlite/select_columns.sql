-- sqlite 3.45.1
SELECT users.id, users.name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
