-- mssql 16.0.4105.2
SELECT id FROM users WHERE age > @p1 UNION SELECT user_id FROM [order] WHERE total > @p2
-- returns rows: true ["id"]
-- args: 2
int64(1)
float64(2)
