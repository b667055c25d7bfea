-- mssql 16.0.4105.2
SELECT id, @p1 AS const, NULL AS nothing FROM users
-- returns rows: true ["id" "const" "nothing"]
-- args: 1
string("x")
