-- mariadb 10.11.6-MariaDB
UPDATE users SET active = ?
-- returns rows: false []
-- args: 1
bool(false)
