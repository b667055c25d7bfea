-- postgresql 15.6
SELECT (age + $1) AS next, ((age - id) * $2) AS m, (age / $3) AS d FROM users
-- returns rows: true ["next" "m" "d"]
-- args: 3
int64(1)
int64(2)
int64(3)
