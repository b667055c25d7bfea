-- mssql 16.0.4105.2
SELECT user_id, count(*) AS n, sum(total) AS total FROM [order] GROUP BY user_id HAVING count(*) > @p1 AND sum(total) >= @p2
-- returns rows: true ["user_id" "n" "total"]
-- args: 2
int64(1)
float64(100)
