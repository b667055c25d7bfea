-- mssql 16.0.4105.2
SELECT users.id FROM users WHERE users.name LIKE @p1 AND users.email NOT LIKE @p2
-- returns rows: true ["id"]
-- args: 2
string("a%")
string("%@example.com")
