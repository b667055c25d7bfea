-- mariadb 10.4.32-MariaDB
DELETE FROM users WHERE id = ? RETURNING id
-- returns rows: true ["id"]
-- args: 1
int64(1)
