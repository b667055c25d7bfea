-- postgresql 15.6
SELECT id FROM users ORDER BY name, id DESC
-- returns rows: true ["id"]
-- args: 0
