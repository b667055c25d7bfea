-- mysql 8.0.36
SELECT users.id FROM users WHERE users.active AND NOT users.active AND (users.active OR users.age > ?) AND users.active = ?
-- returns rows: true ["id"]
-- args: 2
int64(3)
bool(true)
