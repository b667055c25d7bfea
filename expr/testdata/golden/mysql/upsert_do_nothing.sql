-- mysql 8.0.36
INSERT INTO users (id, name, status) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE id = id
-- returns rows: false []
-- args: 3
int64(1)
string("ed")
string("new")
