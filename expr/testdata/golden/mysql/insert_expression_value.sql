-- mysql 8.0.36
INSERT INTO users (name, age, status) VALUES (upper(?), ?, ?)
-- returns rows: false []
-- args: 3
string("ed")
int64(1)
string("new")
