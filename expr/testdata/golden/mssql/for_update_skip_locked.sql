-- mssql 16.0.4105.2
SELECT TOP (@p1) id FROM users WITH (UPDLOCK, ROWLOCK, READPAST) WHERE age > @p2 ORDER BY id
-- returns rows: true ["id"]
-- args: 2
int64(1)
int64(1)
