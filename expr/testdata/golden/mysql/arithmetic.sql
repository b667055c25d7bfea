-- mysql 8.0.36
SELECT (age + ?) AS next, ((age - id) * ?) AS m, (age / ?) AS d FROM users
-- returns rows: true ["next" "m" "d"]
-- args: 3
int64(1)
int64(2)
int64(3)
