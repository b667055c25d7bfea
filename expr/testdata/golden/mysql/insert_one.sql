-- mysql 8.0.36
INSERT INTO users (name, age, active, status) VALUES (?, ?, ?, ?)
-- returns rows: false []
-- args: 4
string("ed")
int64(30)
bool(true)
string("new")
