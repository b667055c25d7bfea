-- postgresql 15.6
INSERT INTO users (name, age, status) VALUES ($1, $2, $3)
-- returns rows: false []
-- args: 3
string("ed")
int64(30)
string("new")
