-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE (name = ? OR (age < ? AND NOT (email = ?)) OR NOT (id = ? OR id = ?)) AND age > ?
-- returns rows: true ["id"]
-- args: 6
string("a")
int64(10)
string("x@y")
int64(1)
int64(2)
int64(1)
