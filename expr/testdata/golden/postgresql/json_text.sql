-- postgresql 15.6
SELECT docs.id, (docs.body #>> $1) AS ab FROM docs WHERE (docs.body #>> $2) = $3
-- returns rows: true ["id" "ab"]
-- args: 3
string("{\"a\",\"b\"}")
string("{\"kind\"}")
string("x")
