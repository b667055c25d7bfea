-- sqlite 3.45.1
SELECT id FROM users WHERE age > ? ORDER BY id LIMIT ?
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
