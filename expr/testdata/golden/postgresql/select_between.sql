-- postgresql 15.6
SELECT id FROM users WHERE age BETWEEN $1 AND $2
-- returns rows: true ["id"]
-- args: 2
int64(18)
int64(65)
