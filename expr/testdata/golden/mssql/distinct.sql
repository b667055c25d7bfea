-- mssql 16.0.4105.2
SELECT DISTINCT users.name FROM users WHERE users.age > @p1
-- returns rows: true ["name"]
-- args: 1
int64(3)
