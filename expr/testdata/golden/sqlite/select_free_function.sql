-- sqlite 3.45.1
SELECT id, name FROM users WHERE id = ?
-- returns rows: true ["id" "name"]
-- args: 1
int64(7)
