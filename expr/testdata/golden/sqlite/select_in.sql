-- sqlite 3.45.1
SELECT id FROM users WHERE id IN (?, ?, ?) AND name IN (?)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
string("a")
