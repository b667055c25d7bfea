-- postgresql 15.6
SELECT id, $1 AS const, NULL AS nothing FROM users
-- returns rows: true ["id" "const" "nothing"]
-- args: 1
string("x")
