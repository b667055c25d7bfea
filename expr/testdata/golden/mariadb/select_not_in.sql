-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE id NOT IN (?, ?)
-- returns rows: true ["id"]
-- args: 2
int64(4)
int64(5)
