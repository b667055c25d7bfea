-- mariadb 10.11.6-MariaDB
SELECT name FROM users WHERE EXISTS (SELECT `order`.id FROM `order` WHERE `order`.user_id = users.id AND `order`.total > ?)
-- returns rows: true ["name"]
-- args: 1
float64(9)
