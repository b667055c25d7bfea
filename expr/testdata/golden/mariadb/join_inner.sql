-- mariadb 10.11.6-MariaDB
SELECT users.name, `order`.total FROM users JOIN `order` ON `order`.user_id = users.id WHERE `order`.total > ?
-- returns rows: true ["name" "total"]
-- args: 1
float64(10)
