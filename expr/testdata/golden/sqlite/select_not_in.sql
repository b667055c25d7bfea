-- sqlite 3.45.1
SELECT users.id FROM users WHERE users.id NOT IN (?, ?)
-- returns rows: true ["id"]
-- args: 2
int64(4)
int64(5)
