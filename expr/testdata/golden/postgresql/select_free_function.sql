-- postgresql 15.6
SELECT users.id, users.name FROM users WHERE users.id = $1
-- returns rows: true ["id" "name"]
-- args: 1
int64(7)
