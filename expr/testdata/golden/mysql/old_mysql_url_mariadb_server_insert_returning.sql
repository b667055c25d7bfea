-- mysql 10.11.6-MariaDB
INSERT INTO users (name, status) VALUES (?, ?) RETURNING id
-- returns rows: true ["id"]
-- args: 2
string("ed")
string("new")
