-- mssql 16.0.4105.2
INSERT INTO users (name, age, status) VALUES (@p1, @p2, @p3), (@p4, @p5, @p6)
-- returns rows: false []
-- args: 6
string("ed")
int(30)
string("new")
string("wendy")
<nil>(<nil>)
string("new")
