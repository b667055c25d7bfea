-- postgresql 15.6
SELECT users.id FROM users WHERE (users.name = $1 OR (users.age < $2 AND NOT (users.email = $3)) OR NOT (users.id = $4 OR users.id = $5)) AND users.age > $6
-- returns rows: true ["id"]
-- args: 6
string("a")
int64(10)
string("x@y")
int64(1)
int64(2)
int64(1)
