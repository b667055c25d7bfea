-- postgresql 15.6
SELECT id FROM users WHERE id = $1 FOR UPDATE NOWAIT
-- returns rows: true ["id"]
-- args: 1
int64(1)
