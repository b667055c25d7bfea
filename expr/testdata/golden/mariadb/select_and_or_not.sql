-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE (users.name = ? OR (users.age < ? AND NOT (users.email = ?)) OR NOT (users.id = ? OR users.id = ?)) AND users.age > ?
-- returns rows: true ["id"]
-- args: 6
string("a")
int64(10)
string("x@y")
int64(1)
int64(2)
int64(1)
