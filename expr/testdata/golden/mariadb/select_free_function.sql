-- mariadb 10.11.6-MariaDB
SELECT users.id, users.name FROM users WHERE users.id = ?
-- returns rows: true ["id" "name"]
-- args: 1
int64(7)
