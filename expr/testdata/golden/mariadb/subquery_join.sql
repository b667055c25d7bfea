-- mariadb 10.11.6-MariaDB
SELECT users.name, t.top FROM users JOIN (SELECT `order`.user_id, max(`order`.total) AS top FROM `order` WHERE `order`.total > ? GROUP BY `order`.user_id) AS t ON t.user_id = users.id WHERE users.age > ?
-- returns rows: true ["name" "top"]
-- args: 2
float64(1)
int64(2)
