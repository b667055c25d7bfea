-- mssql 16.0.4105.2
SELECT id FROM users ORDER BY id OFFSET @p1 ROWS
-- returns rows: true ["id"]
-- args: 1
int64(5)
