-- postgresql 15.6
SELECT DISTINCT name FROM users WHERE age > $1
-- returns rows: true ["name"]
-- args: 1
int64(3)
