-- postgresql 15.6
SELECT id FROM users WHERE age > $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
