-- mysql 8.0.36
SELECT users.id FROM users ORDER BY users.id LIMIT ?
-- returns rows: true ["id"]
-- args: 1
int64(10)
