-- mariadb 10.11.6-MariaDB
SELECT users.id FROM users WHERE users.id = ? AND users.name <> ? AND users.age < ? AND users.age <= ? AND users.age > ? AND users.age >= ? AND users.manager_id <> users.id
-- returns rows: true ["id"]
-- args: 6
int64(1)
string("ed")
int64(65)
int64(64)
int64(17)
int64(18)
