-- postgresql 15.6
INSERT INTO "order" (user_id, total) SELECT users.id, $1 FROM users WHERE users.age > $2
-- returns rows: false []
-- args: 2
float64(0.5)
int64(21)
