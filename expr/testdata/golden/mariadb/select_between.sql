-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE users.age BETWEEN ? AND ?
-- returns rows: true ["id"]
-- args: 2
int64(18)
int64(65)
