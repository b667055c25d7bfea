-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE 1 = 1 AND 1 = 0
-- returns rows: true ["id"]
-- args: 0
