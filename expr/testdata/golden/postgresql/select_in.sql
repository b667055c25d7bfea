-- postgresql 15.6
SELECT users.id FROM users WHERE users.id IN ($1, $2, $3) AND users.name IN ($4)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
string("a")
