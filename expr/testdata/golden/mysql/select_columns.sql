-- mysql 8.0.36
SELECT users.id, users.name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
