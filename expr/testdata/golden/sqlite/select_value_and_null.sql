-- sqlite 3.45.1
SELECT id, ? AS const, NULL AS "nothing" FROM users
-- returns rows: true ["id" "const" "nothing"]
-- args: 1
string("x")
