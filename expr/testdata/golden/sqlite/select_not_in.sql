-- sqlite 3.45.1
SELECT id FROM users WHERE id NOT IN (?, ?)
-- returns rows: true ["id"]
-- args: 2
int64(4)
int64(5)
