-- postgresql 15.6
SELECT users.id FROM users WHERE users.age > $1 ORDER BY users.id LIMIT $2 FOR UPDATE SKIP LOCKED
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
