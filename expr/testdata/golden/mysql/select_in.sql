-- mysql 8.0.36
SELECT users.id FROM users WHERE users.id IN (?, ?, ?) AND users.name IN (?)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
string("a")
