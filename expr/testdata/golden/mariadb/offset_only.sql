-- mariadb 10.11.6-MariaDB
SELECT id FROM users ORDER BY id LIMIT 18446744073709551615 OFFSET ?
-- returns rows: true ["id"]
-- args: 1
int64(5)
