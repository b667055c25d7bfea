-- mysql 8.0.36
SELECT id FROM users WHERE lower(name) LIKE lower(?)
-- returns rows: true ["id"]
-- args: 1
string("Ed%")
