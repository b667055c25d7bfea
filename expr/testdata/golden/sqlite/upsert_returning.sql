-- sqlite 3.45.1
INSERT INTO users (id, name, status) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id
-- returns rows: true ["id"]
-- args: 3
int64(1)
string("ed")
string("new")
