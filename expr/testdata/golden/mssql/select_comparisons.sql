-- mssql 16.0.4105.2
SELECT id FROM users WHERE id = @p1 AND name <> @p2 AND age < @p3 AND age <= @p4 AND age > @p5 AND age >= @p6 AND manager_id <> id
-- returns rows: true ["id"]
-- args: 6
int64(1)
string("ed")
int64(65)
int64(64)
int64(17)
int64(18)
