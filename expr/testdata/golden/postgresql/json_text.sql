-- postgresql 15.6
SELECT id, (body #>> $1) AS ab FROM docs WHERE (body #>> $2) = $3
-- returns rows: true ["id" "ab"]
-- args: 3
string("{\"a\",\"b\"}")
string("{\"kind\"}")
string("x")
