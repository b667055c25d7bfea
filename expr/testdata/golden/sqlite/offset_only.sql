-- sqlite 3.45.1
SELECT id FROM users ORDER BY id LIMIT -1 OFFSET ?
-- returns rows: true ["id"]
-- args: 1
int64(5)
