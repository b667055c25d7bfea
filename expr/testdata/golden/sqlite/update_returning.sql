-- sqlite 3.45.1
UPDATE users SET name = ? WHERE id = ? RETURNING id, name
-- returns rows: true ["id" "name"]
-- args: 2
string("ed")
int64(5)
