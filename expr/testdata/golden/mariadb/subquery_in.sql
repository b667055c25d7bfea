-- mariadb 10.11.6-MariaDB
SELECT name FROM users WHERE id IN (SELECT `order`.user_id FROM `order` WHERE `order`.total > ?)
-- returns rows: true ["name"]
-- args: 1
float64(100)
