-- mssql 16.0.4105.2
SELECT id FROM users WHERE lower(name) LIKE lower(@p1)
-- returns rows: true ["id"]
-- args: 1
string("Ed%")
