-- mssql 16.0.4105.2
UPDATE users SET status = @p1 WHERE id IN (SELECT [order].user_id FROM [order] WHERE [order].total > @p2)
-- returns rows: false []
-- args: 2
string("buyer")
float64(10)
