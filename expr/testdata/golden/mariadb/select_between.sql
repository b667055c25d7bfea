-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE age BETWEEN ? AND ?
-- returns rows: true ["id"]
-- args: 2
int64(18)
int64(65)
