-- mssql 16.0.4105.2
SELECT id FROM users ORDER BY (SELECT NULL) OFFSET @p1 ROWS FETCH NEXT @p2 ROWS ONLY
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
