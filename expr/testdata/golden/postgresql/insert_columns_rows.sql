-- postgresql 15.6
INSERT INTO users (name, age, status) VALUES ($1, $2, $3), ($4, $5, $6)
-- returns rows: false []
-- args: 6
string("ed")
int(30)
string("new")
string("wendy")
<nil>(<nil>)
string("new")
