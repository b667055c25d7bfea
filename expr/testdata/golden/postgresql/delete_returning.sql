-- postgresql 15.6
DELETE FROM users WHERE id = $1 RETURNING id, name
-- returns rows: true ["id" "name"]
-- args: 1
int64(1)
