-- postgresql 15.6
SELECT id FROM users LIMIT $1 OFFSET $2
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
