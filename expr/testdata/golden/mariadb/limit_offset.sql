-- mariadb 10.11.6-MariaDB
SELECT id FROM users ORDER BY id LIMIT ? OFFSET ?
-- returns rows: true ["id"]
-- args: 2
int64(10)
int64(20)
