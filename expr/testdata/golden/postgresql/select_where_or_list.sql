-- postgresql 15.6
SELECT id FROM users WHERE (id = $1 OR id = $2) AND (age = $3 OR age = $4)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
int64(4)
