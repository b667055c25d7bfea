-- mssql 16.0.4105.2
SELECT docs.id, JSON_VALUE(docs.body, @p1) AS ab FROM docs WHERE JSON_VALUE(docs.body, @p2) = @p3
-- returns rows: true ["id" "ab"]
-- args: 3
string("$.\"a\".\"b\"")
string("$.\"kind\"")
string("x")
