-- sqlite 3.45.1
INSERT INTO "order" (user_id, total) SELECT users.id, ? FROM users WHERE users.age > ?
-- returns rows: false []
-- args: 2
float64(0.5)
int64(21)
