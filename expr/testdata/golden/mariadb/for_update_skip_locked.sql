-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE age > ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
