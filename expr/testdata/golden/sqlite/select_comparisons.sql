-- sqlite 3.45.1
SELECT id FROM users WHERE id = ? AND name <> ? AND age < ? AND age <= ? AND age > ? AND age >= ? AND manager_id <> id
-- returns rows: true ["id"]
-- args: 6
int64(1)
string("ed")
int64(65)
int64(64)
int64(17)
int64(18)
