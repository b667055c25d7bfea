-- sqlite 3.45.1
SELECT docs.id, json_extract(docs.body, ?) AS ab FROM docs WHERE json_extract(docs.body, ?) = ?
-- returns rows: true ["id" "ab"]
-- args: 3
string("$.\"a\".\"b\"")
string("$.\"kind\"")
string("x")
