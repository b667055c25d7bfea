-- mysql 8.0.36
SELECT CAST(age AS CHAR(10)) AS age_s, CAST(name AS SIGNED) AS name_i, CAST(age AS DECIMAL(10, 2)) AS age_n, CAST(age AS DOUBLE) AS age_f, CAST(name AS DATE) AS d, CAST(name AS DATETIME(6)) AS ts FROM users
-- returns rows: true ["age_s" "name_i" "age_n" "age_f" "d" "ts"]
-- args: 0
