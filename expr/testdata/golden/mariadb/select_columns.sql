-- mariadb 10.11.6-MariaDB
SELECT users.id, users.name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
