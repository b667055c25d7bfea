-- mariadb 10.11.6-MariaDB
SELECT name, upper(users.name) AS shout, ? AS suffix FROM users WHERE id > ?
-- returns rows: true ["name" "shout" "suffix"]
-- args: 2
string("!")
int64(0)
