-- postgresql 15.6
SELECT "order".user_id, count(*) AS n, sum("order".total) AS total FROM "order" GROUP BY "order".user_id HAVING count(*) > $1 AND sum("order".total) >= $2
-- returns rows: true ["user_id" "n" "total"]
-- args: 2
int64(1)
float64(100)
