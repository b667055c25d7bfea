-- sqlite 3.45.1
SELECT users.name, "order".total, tree.label FROM users JOIN "order" ON "order".user_id = users.id LEFT OUTER JOIN tree ON tree.id = "order".id
-- returns rows: true ["name" "total" "label"]
-- args: 0
