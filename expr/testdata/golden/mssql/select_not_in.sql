-- mssql 16.0.4105.2
SELECT id FROM users WHERE id NOT IN (@p1, @p2)
-- returns rows: true ["id"]
-- args: 2
int64(4)
int64(5)
