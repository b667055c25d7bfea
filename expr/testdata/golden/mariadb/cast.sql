-- mariadb 10.11.6-MariaDB
SELECT CAST(users.age AS CHAR(10)) AS age_s, CAST(users.name AS SIGNED) AS name_i, CAST(users.age AS DECIMAL(10, 2)) AS age_n, CAST(users.age AS DOUBLE) AS age_f, CAST(users.name AS DATE) AS d, CAST(users.name AS DATETIME(6)) AS ts FROM users
-- returns rows: true ["age_s" "name_i" "age_n" "age_f" "d" "ts"]
-- args: 0
