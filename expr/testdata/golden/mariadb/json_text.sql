-- mariadb 10.11.6-MariaDB
SELECT id, JSON_UNQUOTE(JSON_EXTRACT(body, ?)) AS ab FROM docs WHERE JSON_UNQUOTE(JSON_EXTRACT(body, ?)) = ?
-- returns rows: true ["id" "ab"]
-- args: 3
string("$.\"a\".\"b\"")
string("$.\"kind\"")
string("x")
