-- mysql 8.0.36
INSERT INTO users (id, name, age, status) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), age = VALUES(age)
-- returns rows: false []
-- args: 4
int64(1)
string("ed")
int64(3)
string("new")
