-- mysql 8.0.36
SELECT users.id FROM users ORDER BY users.id LIMIT ? OFFSET ?
-- returns rows: true ["id"]
-- args: 2
int64(10)
int64(20)
