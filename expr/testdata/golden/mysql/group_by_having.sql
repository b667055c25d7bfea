-- mysql 8.0.36
SELECT user_id, count(*) AS n, sum(total) AS total FROM `order` GROUP BY user_id HAVING count(*) > ? AND sum(total) >= ?
-- returns rows: true ["user_id" "n" "total"]
-- args: 2
int64(1)
float64(100)
