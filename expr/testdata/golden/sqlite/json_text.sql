-- sqlite 3.45.1
SELECT id, json_extract(body, ?) AS ab FROM docs WHERE json_extract(body, ?) = ?
-- returns rows: true ["id" "ab"]
-- args: 3
string("$.\"a\".\"b\"")
string("$.\"kind\"")
string("x")
