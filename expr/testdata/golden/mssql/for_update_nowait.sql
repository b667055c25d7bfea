-- mssql 16.0.4105.2
SELECT id FROM users WITH (UPDLOCK, ROWLOCK, NOWAIT) WHERE id = @p1
-- returns rows: true ["id"]
-- args: 1
int64(1)
