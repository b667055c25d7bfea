-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users UNION ALL SELECT `order`.user_id FROM `order` ORDER BY id LIMIT ?
-- returns rows: true ["id"]
-- args: 1
int64(5)
