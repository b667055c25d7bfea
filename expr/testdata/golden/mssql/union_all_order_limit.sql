-- mssql 16.0.4105.2
SELECT id FROM users UNION ALL SELECT user_id FROM [order] ORDER BY id OFFSET 0 ROWS FETCH NEXT @p1 ROWS ONLY
-- returns rows: true ["id"]
-- args: 1
int64(5)
