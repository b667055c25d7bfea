-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE users.id = ? FOR UPDATE
-- returns rows: true ["id"]
-- args: 1
int64(1)
