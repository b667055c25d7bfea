-- sqlite 3.45.1
SELECT id FROM users WHERE lower(name) LIKE lower(?)
-- returns rows: true ["id"]
-- args: 1
string("Ed%")
