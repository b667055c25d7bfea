-- postgresql 15.6
SELECT users.id FROM users ORDER BY users.id OFFSET $1
-- returns rows: true ["id"]
-- args: 1
int64(5)
