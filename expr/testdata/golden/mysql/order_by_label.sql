-- mysql 8.0.36
SELECT user_id, count(*) AS n FROM `order` GROUP BY user_id ORDER BY n DESC
-- returns rows: true ["user_id" "n"]
-- args: 0
