-- postgresql 15.6
INSERT INTO users (id, name, status) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id
-- returns rows: true ["id"]
-- args: 3
int64(1)
string("ed")
string("new")
