-- mssql 16.0.4105.2
INSERT INTO users (name, age, status) VALUES (@p1, @p2, @p3)
-- returns rows: false []
-- args: 3
string("ed")
int64(30)
string("new")
