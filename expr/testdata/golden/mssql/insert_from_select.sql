-- mssql 16.0.4105.2
INSERT INTO [order] (user_id, total) SELECT users.id, @p1 FROM users WHERE users.age > @p2
-- returns rows: false []
-- args: 2
float64(0.5)
int64(21)
