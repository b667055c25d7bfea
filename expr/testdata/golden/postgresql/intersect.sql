-- postgresql 15.6
SELECT id FROM users INTERSECT SELECT user_id FROM "order"
-- returns rows: true ["id"]
-- args: 0
