-- mssql 16.0.4105.2
INSERT INTO users (name, age, active, status) VALUES (@p1, @p2, @p3, @p4)
-- returns rows: false []
-- args: 4
string("ed")
int64(30)
bool(true)
string("new")
