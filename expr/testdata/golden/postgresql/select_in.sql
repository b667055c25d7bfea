-- postgresql 15.6
SELECT id FROM users WHERE id IN ($1, $2, $3) AND name IN ($4)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
string("a")
