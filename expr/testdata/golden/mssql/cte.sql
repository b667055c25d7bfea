-- mssql 16.0.4105.2
WITH counts AS (SELECT user_id, count(*) AS n FROM [order] WHERE total > @p1 GROUP BY user_id) SELECT users.name, counts.n FROM users JOIN counts ON counts.user_id = users.id WHERE users.age > @p2
-- returns rows: true ["name" "n"]
-- args: 2
float64(5)
int64(30)
