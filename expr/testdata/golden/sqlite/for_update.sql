-- sqlite 3.45.1
SELECT users.id FROM users WHERE users.id = ?
-- returns rows: true ["id"]
-- args: 1
int64(1)
