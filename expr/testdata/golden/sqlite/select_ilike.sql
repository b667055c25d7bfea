-- sqlite 3.45.1
SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?)
-- returns rows: true ["id"]
-- args: 1
string("Ed%")
