-- mssql 16.0.4105.2
SELECT users.id, users.name FROM users WHERE users.id = @p1
-- returns rows: true ["id" "name"]
-- args: 1
int64(7)
