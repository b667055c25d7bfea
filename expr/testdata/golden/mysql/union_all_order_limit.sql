-- mysql 8.0.36
SELECT id FROM users UNION ALL SELECT user_id FROM `order` ORDER BY id LIMIT ?
-- returns rows: true ["id"]
-- args: 1
int64(5)
