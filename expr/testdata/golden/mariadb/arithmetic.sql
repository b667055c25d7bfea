-- mariadb 10.11.6-MariaDB
SELECT (users.age + ?) AS next, ((users.age - users.id) * ?) AS m, (users.age / ?) AS d FROM users
-- returns rows: true ["next" "m" "d"]
-- args: 3
int64(1)
int64(2)
int64(3)
