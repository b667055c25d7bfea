-- postgresql 15.6
SELECT users.id FROM users WHERE users.age BETWEEN $1 AND $2
-- returns rows: true ["id"]
-- args: 2
int64(18)
int64(65)
