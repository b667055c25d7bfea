-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?)
-- returns rows: true ["id"]
-- args: 1
string("Ed%")
