-- postgresql 15.6
INSERT INTO users (name, age, status) VALUES ($1, $2, $3), ($4, $5, $6), ($7, $8, $9)
-- returns rows: false []
-- args: 9
string("ed")
int64(30)
string("new")
string("wendy")
int64(31)
string("new")
string("jack")
<nil>(<nil>)
string("new")
