-- mysql 8.0.36
SELECT users.name FROM users WHERE users.active = ? AND users.age > ? AND users.name <> ?
-- returns rows: true ["name"]
-- args: 3
bool(true)
int(18)
string("z")
