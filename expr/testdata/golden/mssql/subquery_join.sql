-- mssql 16.0.4105.2
SELECT users.name, t.[top] FROM users JOIN (SELECT [order].user_id, max([order].total) AS [top] FROM [order] WHERE [order].total > @p1 GROUP BY [order].user_id) AS t ON t.user_id = users.id WHERE users.age > @p2
-- returns rows: true ["name" "top"]
-- args: 2
float64(1)
int64(2)
