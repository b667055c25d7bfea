-- postgresql 15.6
SELECT id FROM users WHERE id NOT IN ($1, $2)
-- returns rows: true ["id"]
-- args: 2
int64(4)
int64(5)
