-- postgresql 15.6
SELECT id FROM users WHERE name ILIKE $1
-- returns rows: true ["id"]
-- args: 1
string("Ed%")
