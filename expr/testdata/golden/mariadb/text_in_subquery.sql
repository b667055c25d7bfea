-- mariadb 10.11.6-MariaDB
SELECT name FROM users WHERE age > ? AND id IN (SELECT `order`.user_id FROM `order` WHERE total > ?)
-- returns rows: true ["name"]
-- args: 2
int64(1)
float64(5.5)
