-- mariadb 10.11.6-MariaDB
SELECT id FROM users EXCEPT SELECT user_id FROM `order`
-- returns rows: true ["id"]
-- args: 0
