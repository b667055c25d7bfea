-- sqlite 3.45.1
SELECT name FROM users WHERE active = ? AND users.age > ? AND name <> ?
-- returns rows: true ["name"]
-- args: 3
bool(true)
int(18)
string("z")
