-- mysql 8.0.36
SELECT users.id, users.name FROM users WHERE users.id = ?
-- returns rows: true ["id" "name"]
-- args: 1
int64(7)
