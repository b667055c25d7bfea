-- mssql 16.0.4105.2
SELECT id, name FROM users WHERE id = @p1
-- returns rows: true ["id" "name"]
-- args: 1
int64(7)
