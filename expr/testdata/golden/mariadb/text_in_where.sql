-- mariadb 10.11.6-MariaDB
SELECT users.name FROM users WHERE users.active = ? AND users.age > ? AND users.name <> ?
-- returns rows: true ["name"]
-- args: 3
bool(true)
int(18)
string("z")
