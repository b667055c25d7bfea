-- mariadb 10.11.6-MariaDB
SELECT `order`.user_id, count(*) AS n, sum(`order`.total) AS total FROM `order` GROUP BY `order`.user_id HAVING count(*) > ? AND sum(`order`.total) >= ?
-- returns rows: true ["user_id" "n" "total"]
-- args: 2
int64(1)
float64(100)
