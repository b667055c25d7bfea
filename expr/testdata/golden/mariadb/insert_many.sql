-- mariadb 10.11.6-MariaDB
INSERT INTO users (name, age, status) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)
-- returns rows: false []
-- args: 9
string("ed")
int64(30)
string("new")
string("wendy")
int64(31)
string("new")
string("jack")
<nil>(<nil>)
string("new")
