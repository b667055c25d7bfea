-- postgresql 15.6
SELECT users.id FROM users WHERE users.name ILIKE $1
-- returns rows: true ["id"]
-- args: 1
string("Ed%")
