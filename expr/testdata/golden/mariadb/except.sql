-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users EXCEPT SELECT `order`.user_id FROM `order`
-- returns rows: true ["id"]
-- args: 0
