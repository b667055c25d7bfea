-- mssql 16.0.4105.2
SELECT users.id FROM users WITH (UPDLOCK, ROWLOCK, NOWAIT) JOIN users AS m WITH (UPDLOCK, ROWLOCK, NOWAIT) ON m.id = users.manager_id
-- returns rows: true ["id"]
-- args: 0
