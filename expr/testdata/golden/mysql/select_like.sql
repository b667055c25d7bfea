-- mysql 8.0.36
SELECT id FROM users WHERE name LIKE ? AND email NOT LIKE ?
-- returns rows: true ["id"]
-- args: 2
string("a%")
string("%@example.com")
