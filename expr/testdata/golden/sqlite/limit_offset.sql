-- sqlite 3.45.1
SELECT id FROM users ORDER BY id LIMIT ? OFFSET ?
-- returns rows: true ["id"]
-- args: 2
int64(10)
int64(20)
