-- mysql 8.0.36
SELECT users.id FROM users WHERE users.age > ? UNION SELECT `order`.user_id FROM `order` WHERE `order`.total > ?
-- returns rows: true ["id"]
-- args: 2
int64(1)
float64(2)
