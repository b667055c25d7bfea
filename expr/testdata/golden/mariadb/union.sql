-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE users.age > ? UNION SELECT `order`.user_id FROM `order` WHERE `order`.total > ?
-- returns rows: true ["id"]
-- args: 2
int64(1)
float64(2)
