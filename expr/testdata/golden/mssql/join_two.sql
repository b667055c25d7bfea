-- mssql 16.0.4105.2
SELECT users.name, [order].total, tree.label FROM users JOIN [order] ON [order].user_id = users.id LEFT OUTER JOIN tree ON tree.id = [order].id
-- returns rows: true ["name" "total" "label"]
-- args: 0
