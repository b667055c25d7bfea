-- mariadb 10.11.6-MariaDB
UPDATE users SET name = ?, email = ? WHERE id = ?
-- returns rows: false []
-- args: 3
string("ed")
<nil>(<nil>)
int64(5)
