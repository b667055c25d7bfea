-- mssql 16.0.4105.2
SELECT id FROM users WHERE age BETWEEN @p1 AND @p2
-- returns rows: true ["id"]
-- args: 2
int64(18)
int64(65)
