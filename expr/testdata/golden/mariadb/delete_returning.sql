-- mariadb 10.11.6-MariaDB
DELETE FROM users WHERE id = ? RETURNING id, name
-- returns rows: true ["id" "name"]
-- args: 1
int64(1)
