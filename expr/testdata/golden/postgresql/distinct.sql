-- postgresql 15.6
SELECT DISTINCT users.name FROM users WHERE users.age > $1
-- returns rows: true ["name"]
-- args: 1
int64(3)
