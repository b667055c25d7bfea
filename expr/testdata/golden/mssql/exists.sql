-- mssql 16.0.4105.2
SELECT name FROM users WHERE EXISTS (SELECT [order].id FROM [order] WHERE [order].user_id = users.id AND [order].total > @p1)
-- returns rows: true ["name"]
-- args: 1
float64(9)
