-- mariadb 10.11.6-MariaDB
SELECT id, ? AS const, NULL AS nothing FROM users
-- returns rows: true ["id" "const" "nothing"]
-- args: 1
string("x")
