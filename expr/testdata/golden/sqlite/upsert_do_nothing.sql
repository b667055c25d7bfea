-- sqlite 3.45.1
INSERT INTO users (id, name, status) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING
-- returns rows: false []
-- args: 3
int64(1)
string("ed")
string("new")
