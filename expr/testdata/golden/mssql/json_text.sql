-- mssql 16.0.4105.2
SELECT id, JSON_VALUE(body, @p1) AS ab FROM docs WHERE JSON_VALUE(body, @p2) = @p3
-- returns rows: true ["id" "ab"]
-- args: 3
string("$.\"a\".\"b\"")
string("$.\"kind\"")
string("x")
