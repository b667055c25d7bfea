-- postgresql 15.6
INSERT INTO users (name, status) VALUES ($1, $2) RETURNING id, name
-- returns rows: true ["id" "name"]
-- args: 2
string("ed")
string("new")
