-- mssql 16.0.4105.2
SELECT users.id FROM users WHERE users.id = @p1 AND users.name <> @p2 AND users.age < @p3 AND users.age <= @p4 AND users.age > @p5 AND users.age >= @p6 AND users.manager_id <> users.id
-- returns rows: true ["id"]
-- args: 6
int64(1)
string("ed")
int64(65)
int64(64)
int64(17)
int64(18)
