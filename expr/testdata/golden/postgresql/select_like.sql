-- postgresql 15.6
SELECT id FROM users WHERE name LIKE $1 AND email NOT LIKE $2
-- returns rows: true ["id"]
-- args: 2
string("a%")
string("%@example.com")
