-- sqlite 3.45.1
SELECT id FROM users WHERE id = ?
-- returns rows: true ["id"]
-- args: 1
int64(1)
