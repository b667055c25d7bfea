-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE users.name LIKE ? AND users.email NOT LIKE ?
-- returns rows: true ["id"]
-- args: 2
string("a%")
string("%@example.com")
