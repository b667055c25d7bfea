-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE (users.id IS NULL AND 1 != 1)
-- returns rows: true ["id"]
-- args: 0
