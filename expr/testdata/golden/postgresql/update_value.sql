-- postgresql 15.6
UPDATE users SET name = $1, email = $2 WHERE id = $3
-- returns rows: false []
-- args: 3
string("ed")
<nil>(<nil>)
int64(5)
