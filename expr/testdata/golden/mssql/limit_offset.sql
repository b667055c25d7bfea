-- mssql 16.0.4105.2
SELECT id FROM users ORDER BY id OFFSET @p1 ROWS FETCH NEXT @p2 ROWS ONLY
-- returns rows: true ["id"]
-- args: 2
int64(20)
int64(10)
