-- mariadb 10.11.6-MariaDB
SELECT name FROM users WHERE id = (select max(id) from users)
-- returns rows: true ["name"]
-- args: 0
