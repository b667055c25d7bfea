-- mysql 8.0.36
INSERT INTO users (name, age, status) VALUES (?, ?, ?), (?, ?, ?)
-- returns rows: false []
-- args: 6
string("ed")
int64(3)
string("new")
string("x")
int64(4)
string("new")
