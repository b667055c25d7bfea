-- mariadb 10.11.6-MariaDB
INSERT INTO users (name, status) VALUES (?, ?) RETURNING id, name
-- returns rows: true ["id" "name"]
-- args: 2
string("ed")
string("new")
