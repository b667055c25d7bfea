-- mariadb 10.11.6-MariaDB
INSERT INTO users (name, age, status) VALUES (?, ?, ?), (?, ?, ?)
-- returns rows: false []
-- args: 6
string("ed")
int(30)
string("new")
string("wendy")
<nil>(<nil>)
string("new")
