-- mssql 16.0.4105.2
SELECT name, CASE WHEN age < @p1 THEN @p2 WHEN age < @p3 THEN @p4 ELSE @p5 END AS bracket FROM users WHERE CASE WHEN active = 1 THEN age END > @p6
-- returns rows: true ["name" "bracket"]
-- args: 6
int64(18)
string("minor")
int64(65)
string("adult")
string("senior")
int64(3)
