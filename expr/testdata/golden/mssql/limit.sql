-- mssql 16.0.4105.2
SELECT TOP (@p1) id FROM users ORDER BY id
-- returns rows: true ["id"]
-- args: 1
int64(10)
