-- mariadb 10.11.6-MariaDB
SELECT id, name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
