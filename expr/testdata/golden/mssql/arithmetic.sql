-- mssql 16.0.4105.2
SELECT (age + @p1) AS next, ((age - id) * @p2) AS m, (age / @p3) AS d FROM users
-- returns rows: true ["next" "m" "d"]
-- args: 3
int64(1)
int64(2)
int64(3)
