-- mariadb 10.11.6-MariaDB
SELECT users.name FROM users WHERE users.id = (select max(id) from users)
-- returns rows: true ["name"]
-- args: 0
