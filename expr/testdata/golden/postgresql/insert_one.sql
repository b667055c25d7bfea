-- postgresql 15.6
INSERT INTO users (name, age, active, status) VALUES ($1, $2, $3, $4)
-- returns rows: false []
-- args: 4
string("ed")
int64(30)
bool(true)
string("new")
