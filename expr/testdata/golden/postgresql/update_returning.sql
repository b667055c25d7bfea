-- postgresql 15.6
UPDATE users SET name = $1 WHERE id = $2 RETURNING id, name
-- returns rows: true ["id" "name"]
-- args: 2
string("ed")
int64(5)
