-- mssql 16.0.4105.2
SELECT name FROM users WHERE age > @p1 AND id IN (SELECT [order].user_id FROM [order] WHERE total > @p2)
-- returns rows: true ["name"]
-- args: 2
int64(1)
float64(5.5)
