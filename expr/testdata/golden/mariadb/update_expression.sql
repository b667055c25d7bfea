-- mariadb 10.11.6-MariaDB
UPDATE users SET age = (age + ?) WHERE active = ? AND (id = ? OR id = ?)
-- returns rows: false []
-- args: 4
int64(1)
bool(true)
int64(1)
int64(2)
