-- postgresql 15.6
SELECT id FROM users WHERE (name = $1 OR (age < $2 AND NOT (email = $3)) OR NOT (id = $4 OR id = $5)) AND age > $6
-- returns rows: true ["id"]
-- args: 6
string("a")
int64(10)
string("x@y")
int64(1)
int64(2)
int64(1)
