-- mssql 16.0.4105.2
SELECT [order].id, row_number() OVER (PARTITION BY [order].user_id ORDER BY [order].total DESC) AS rn, rank() OVER (ORDER BY [order].total DESC) AS rk, sum([order].total) OVER (PARTITION BY [order].user_id ORDER BY [order].id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running, avg([order].total) OVER (ORDER BY [order].id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS moving, count(*) OVER (PARTITION BY [order].user_id) AS n, max([order].total) OVER (ORDER BY [order].id RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS [top] FROM [order]
-- returns rows: true ["id" "rn" "rk" "running" "moving" "n" "top"]
-- args: 0
