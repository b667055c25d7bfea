-- mariadb 10.11.6-MariaDB
SELECT name FROM users WHERE active = ? AND users.age > ? AND name <> ?
-- returns rows: true ["name"]
-- args: 3
bool(true)
int(18)
string("z")
