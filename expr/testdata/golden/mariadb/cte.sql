-- mariadb 10.11.6-MariaDB
WITH counts AS (SELECT user_id, count(*) AS n FROM `order` WHERE total > ? GROUP BY user_id) SELECT users.name, counts.n FROM users JOIN counts ON counts.user_id = users.id WHERE users.age > ?
-- returns rows: true ["name" "n"]
-- args: 2
float64(5)
int64(30)
