-- mariadb 10.11.6-MariaDB
SELECT DISTINCT users.name FROM users WHERE users.age > ?
-- returns rows: true ["name"]
-- args: 1
int64(3)
