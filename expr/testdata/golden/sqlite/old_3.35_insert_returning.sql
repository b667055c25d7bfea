-- sqlite 3.35.0
INSERT INTO users (name, status) VALUES (?, ?) RETURNING id
-- returns rows: true ["id"]
-- args: 2
string("ed")
string("new")
