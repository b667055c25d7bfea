-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users ORDER BY users.name, users.id DESC
-- returns rows: true ["id"]
-- args: 0
