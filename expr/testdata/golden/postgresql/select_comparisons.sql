-- postgresql 15.6
SELECT users.id FROM users WHERE users.id = $1 AND users.name <> $2 AND users.age < $3 AND users.age <= $4 AND users.age > $5 AND users.age >= $6 AND users.manager_id <> users.id
-- returns rows: true ["id"]
-- args: 6
int64(1)
string("ed")
int64(65)
int64(64)
int64(17)
int64(18)
