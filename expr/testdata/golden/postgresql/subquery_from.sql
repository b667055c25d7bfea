-- postgresql 15.6
SELECT user_id, total FROM (SELECT "order".user_id, sum("order".total) AS total FROM "order" GROUP BY "order".user_id) AS t WHERE total > $1
-- returns rows: true ["user_id" "total"]
-- args: 1
float64(50)
