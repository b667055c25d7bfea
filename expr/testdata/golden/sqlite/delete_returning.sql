-- sqlite 3.45.1
DELETE FROM users WHERE id = ? RETURNING id, name
-- returns rows: true ["id" "name"]
-- args: 1
int64(1)
