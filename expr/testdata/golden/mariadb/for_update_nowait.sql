-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE id = ? FOR UPDATE NOWAIT
-- returns rows: true ["id"]
-- args: 1
int64(1)
