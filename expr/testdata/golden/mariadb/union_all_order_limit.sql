-- mariadb 10.11.6-MariaDB
SELECT id FROM users UNION ALL SELECT user_id FROM `order` ORDER BY id LIMIT ?
-- returns rows: true ["id"]
-- args: 1
int64(5)
