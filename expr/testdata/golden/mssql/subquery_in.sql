-- mssql 16.0.4105.2
SELECT name FROM users WHERE id IN (SELECT [order].user_id FROM [order] WHERE [order].total > @p1)
-- returns rows: true ["name"]
-- args: 1
float64(100)
