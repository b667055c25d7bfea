-- sqlite 3.45.1
SELECT CAST(age AS VARCHAR(10)) AS age_s, CAST(name AS INTEGER) AS name_i, CAST(age AS NUMERIC(10, 2)) AS age_n, CAST(age AS FLOAT) AS age_f, CAST(name AS DATE) AS d, CAST(name AS TIMESTAMP) AS ts FROM users
-- returns rows: true ["age_s" "name_i" "age_n" "age_f" "d" "ts"]
-- args: 0
