-- mariadb 10.11.6-MariaDB
SELECT DISTINCT name FROM users WHERE age > ?
-- returns rows: true ["name"]
-- args: 1
int64(3)
