-- sqlite 3.45.1
UPDATE users SET name = ?, email = ? WHERE id = ?
-- returns rows: false []
-- args: 3
string("ed")
<nil>(<nil>)
int64(5)
