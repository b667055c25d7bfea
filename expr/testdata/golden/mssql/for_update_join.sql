-- mssql 16.0.4105.2
SELECT users.id, [order].id FROM users WITH (UPDLOCK, ROWLOCK) JOIN [order] WITH (UPDLOCK, ROWLOCK) ON [order].user_id = users.id
-- returns rows: true ["id" "id"]
-- args: 0
