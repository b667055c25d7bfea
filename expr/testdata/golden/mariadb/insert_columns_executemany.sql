-- mariadb 10.11.6-MariaDB
INSERT INTO users (name, age, status) VALUES (?, ?, ?)
-- returns rows: false []
-- args: 3
string("ed")
int64(30)
string("new")
