-- postgresql 15.6
SELECT users.id FROM users WHERE users.name LIKE $1 AND users.email NOT LIKE $2
-- returns rows: true ["id"]
-- args: 2
string("a%")
string("%@example.com")
