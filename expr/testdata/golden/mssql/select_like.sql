-- mssql 16.0.4105.2
SELECT id FROM users WHERE name LIKE @p1 AND email NOT LIKE @p2
-- returns rows: true ["id"]
-- args: 2
string("a%")
string("%@example.com")
