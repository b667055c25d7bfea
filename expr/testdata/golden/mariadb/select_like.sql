-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE name LIKE ? AND email NOT LIKE ?
-- returns rows: true ["id"]
-- args: 2
string("a%")
string("%@example.com")
