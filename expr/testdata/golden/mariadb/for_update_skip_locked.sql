-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE users.age > ? ORDER BY users.id LIMIT ? FOR UPDATE SKIP LOCKED
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
