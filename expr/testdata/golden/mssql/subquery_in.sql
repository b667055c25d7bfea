-- mssql 16.0.4105.2
SELECT users.name FROM users WHERE users.id IN (SELECT [order].user_id FROM [order] WHERE [order].total > @p1)
-- returns rows: true ["name"]
-- args: 1
float64(100)
