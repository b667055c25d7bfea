-- postgresql 15.6
INSERT INTO users (id, name, age, status) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = excluded.age
-- returns rows: false []
-- args: 4
int64(1)
string("ed")
int64(3)
string("new")
