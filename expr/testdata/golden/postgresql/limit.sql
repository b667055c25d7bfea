-- postgresql 15.6
SELECT id FROM users ORDER BY id LIMIT $1
-- returns rows: true ["id"]
-- args: 1
int64(10)
