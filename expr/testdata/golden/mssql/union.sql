-- mssql 16.0.4105.2
SELECT users.id FROM users WHERE users.age > @p1 UNION SELECT [order].user_id FROM [order] WHERE [order].total > @p2
-- returns rows: true ["id"]
-- args: 2
int64(1)
float64(2)
