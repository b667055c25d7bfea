-- mssql 16.0.4105.2
INSERT INTO users (name, age, status) VALUES (@p1, @p2, @p3), (@p4, @p5, @p6), (@p7, @p8, @p9)
-- returns rows: false []
-- args: 9
string("ed")
int64(30)
string("new")
string("wendy")
int64(31)
string("new")
string("jack")
<nil>(<nil>)
string("new")
