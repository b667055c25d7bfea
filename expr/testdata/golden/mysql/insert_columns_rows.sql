-- mysql 8.0.36
INSERT INTO users (name, age, status) VALUES (?, ?, ?), (?, ?, ?)
-- returns rows: false []
-- args: 6
string("ed")
int(30)
string("new")
string("wendy")
<nil>(<nil>)
string("new")
