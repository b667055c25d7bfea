-- mssql 16.0.4105.2
SELECT users.name FROM users WHERE users.age > @p1 AND users.id IN (SELECT [order].user_id FROM [order] WHERE total > @p2)
-- returns rows: true ["name"]
-- args: 2
int64(1)
float64(5.5)
