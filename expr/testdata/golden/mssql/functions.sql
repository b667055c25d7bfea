-- mssql 16.0.4105.2
SELECT lower(name), upper(name), coalesce(email, @p1) AS email, length(name) AS len, CURRENT_TIMESTAMP AS now FROM users
-- returns rows: true ["" "" "email" "len" "now"]
-- args: 1
string("none")
