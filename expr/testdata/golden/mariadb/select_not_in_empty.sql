-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE users.id NOT IN (SELECT 1 FROM DUAL WHERE 1!=1)
-- returns rows: true ["id"]
-- args: 0
