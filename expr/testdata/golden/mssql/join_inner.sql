-- mssql 16.0.4105.2
SELECT users.name, [order].total FROM users JOIN [order] ON [order].user_id = users.id WHERE [order].total > @p1
-- returns rows: true ["name" "total"]
-- args: 1
float64(10)
