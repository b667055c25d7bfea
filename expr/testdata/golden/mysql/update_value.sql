-- mysql 8.0.36
UPDATE users SET name = ?, email = ? WHERE id = ?
-- returns rows: false []
-- args: 3
string("ed")
<nil>(<nil>)
int64(5)
