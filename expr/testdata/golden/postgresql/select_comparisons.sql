-- postgresql 15.6
SELECT id FROM users WHERE id = $1 AND name <> $2 AND age < $3 AND age <= $4 AND age > $5 AND age >= $6 AND manager_id <> id
-- returns rows: true ["id"]
-- args: 6
int64(1)
string("ed")
int64(65)
int64(64)
int64(17)
int64(18)
