-- postgresql 15.6
INSERT INTO users (name, age, status) VALUES ($1, $2, $3), ($4, $5, $6)
-- returns rows: false []
-- args: 6
string("ed")
int64(3)
string("new")
string("x")
int64(4)
string("new")
