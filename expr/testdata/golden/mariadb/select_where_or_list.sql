-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE (users.id = ? OR users.id = ?) AND (users.age = ? OR users.age = ?)
-- returns rows: true ["id"]
-- args: 4
int64(1)
int64(2)
int64(3)
int64(4)
