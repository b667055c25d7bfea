-- mariadb 10.11.6-MariaDB
UPDATE users SET age = (users.age + ?) WHERE users.active = ? AND (users.id = ? OR users.id = ?)
-- returns rows: false []
-- args: 4
int64(1)
bool(true)
int64(1)
int64(2)
