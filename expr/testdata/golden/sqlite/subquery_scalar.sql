-- sqlite 3.45.1
SELECT name, (SELECT count(*) FROM "order" WHERE "order".user_id = users.id) AS orders FROM users WHERE (SELECT count(*) FROM "order" WHERE "order".user_id = users.id) > ?
-- returns rows: true ["name" "orders"]
-- args: 1
int64(0)
