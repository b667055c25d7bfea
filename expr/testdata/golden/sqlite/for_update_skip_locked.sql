-- sqlite 3.45.1
SELECT users.id FROM users WHERE users.age > ? ORDER BY users.id LIMIT ?
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
