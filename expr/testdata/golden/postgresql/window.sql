-- postgresql 15.6
SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY total DESC) AS rn, rank() OVER (ORDER BY total DESC) AS rk, sum(total) OVER (PARTITION BY user_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running, avg(total) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS moving, count(*) OVER (PARTITION BY user_id) AS n, max(total) OVER (ORDER BY id RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS top FROM "order"
-- returns rows: true ["id" "rn" "rk" "running" "moving" "n" "top"]
-- args: 0
