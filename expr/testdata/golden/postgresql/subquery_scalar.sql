-- postgresql 15.6
SELECT name, (SELECT count(*) FROM "order" WHERE "order".user_id = users.id) AS orders FROM users WHERE (SELECT count(*) FROM "order" WHERE "order".user_id = users.id) > $1
-- returns rows: true ["name" "orders"]
-- args: 1
int64(0)
