-- mariadb 10.11.6-MariaDB
SELECT lower(users.name), upper(users.name), coalesce(users.email, ?) AS email, length(users.name) AS len, CURRENT_TIMESTAMP AS now FROM users
-- returns rows: true ["" "" "email" "len" "now"]
-- args: 1
string("none")
