-- postgresql 15.6
SELECT name FROM users WHERE NOT EXISTS (SELECT "order".id FROM "order" WHERE "order".user_id = users.id)
-- returns rows: true ["name"]
-- args: 0
