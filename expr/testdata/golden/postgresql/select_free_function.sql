-- postgresql 15.6
SELECT id, name FROM users WHERE id = $1
-- returns rows: true ["id" "name"]
-- args: 1
int64(7)
