-- mariadb 10.11.6-MariaDB
SELECT id FROM users WHERE active AND NOT active AND (active OR age > ?) AND active = ?
-- returns rows: true ["id"]
-- args: 2
int64(3)
bool(true)
