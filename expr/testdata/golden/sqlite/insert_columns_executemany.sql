-- sqlite 3.45.1
INSERT INTO users (name, age, status) VALUES (?, ?, ?)
-- returns rows: false []
-- args: 3
string("ed")
int64(30)
string("new")
