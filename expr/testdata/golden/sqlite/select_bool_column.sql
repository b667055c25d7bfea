-- sqlite 3.45.1
SELECT id FROM users WHERE active AND NOT active AND (active OR age > ?) AND active = ?
-- returns rows: true ["id"]
-- args: 2
int64(3)
bool(true)
