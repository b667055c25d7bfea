-- mysql 8.0.36
SELECT lower(name), upper(name), coalesce(email, ?) AS email, length(name) AS len, CURRENT_TIMESTAMP AS now FROM users
-- returns rows: true ["" "" "email" "len" "now"]
-- args: 1
string("none")
