-- mssql 16.0.4105.2
SELECT id, name FROM users
-- returns rows: true ["id" "name"]
-- args: 0
