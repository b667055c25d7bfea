-- mssql 16.0.4105.2
SELECT DISTINCT name FROM users WHERE age > @p1
-- returns rows: true ["name"]
-- args: 1
int64(3)
