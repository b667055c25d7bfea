-- mysql 8.0.36
SELECT id, name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
