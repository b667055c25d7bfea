-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE lower(name) LIKE lower(?)
-- returns rows: true ["id"]
-- args: 1
string("Ed%")
