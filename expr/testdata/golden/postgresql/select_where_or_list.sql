-- postgresql 15.6
SELECT users.id FROM users WHERE (users.id = $1 OR users.id = $2) AND (users.age = $3 OR users.age = $4)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
int64(4)
