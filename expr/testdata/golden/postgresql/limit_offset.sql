-- postgresql 15.6
SELECT id FROM users ORDER BY id LIMIT $1 OFFSET $2
-- returns rows: true ["id"]
-- args: 2
int64(10)
int64(20)
