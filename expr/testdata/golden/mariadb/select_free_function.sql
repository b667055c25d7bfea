-- mariadb 10.11.6-MariaDB
SELECT id, name FROM users WHERE id = ?
-- returns rows: true ["id" "name"]
-- args: 1
int64(7)
