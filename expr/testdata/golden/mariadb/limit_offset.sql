-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users ORDER BY users.id LIMIT ? OFFSET ?
-- returns rows: true ["id"]
-- args: 2
int64(10)
int64(20)
