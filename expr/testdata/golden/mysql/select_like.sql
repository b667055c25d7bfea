-- mysql 8.0.36
SELECT users.id FROM users WHERE users.name LIKE ? AND users.email NOT LIKE ?
-- returns rows: true ["id"]
-- args: 2
string("a%")
string("%@example.com")
