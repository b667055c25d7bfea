-- mariadb 10.11.6-MariaDB
SELECT id FROM users ORDER BY name, id DESC
-- returns rows: true ["id"]
-- args: 0
