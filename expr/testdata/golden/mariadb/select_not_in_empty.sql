-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE (id IS NULL OR 1 = 1)
-- returns rows: true ["id"]
-- args: 0
