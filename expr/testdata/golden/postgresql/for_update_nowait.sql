-- postgresql 15.6
SELECT users.id FROM users WHERE users.id = $1 FOR UPDATE NOWAIT
-- returns rows: true ["id"]
-- args: 1
int64(1)
