-- mariadb 10.11.6-MariaDB
SELECT user_id, count(*) AS n FROM `order` GROUP BY user_id ORDER BY n DESC
-- returns rows: true ["user_id" "n"]
-- args: 0
