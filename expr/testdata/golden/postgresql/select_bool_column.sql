-- postgresql 15.6
SELECT id FROM users WHERE active AND NOT active AND (active OR age > $1) AND active = $2
-- returns rows: true ["id"]
-- args: 2
int64(3)
bool(true)
