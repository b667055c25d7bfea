package bench

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialect/sqlite"
	"github.com/go-alchemy/alchemy/expr"
)

// User is one row of the users table of BenchmarkSQLiteSelect10Users, the
// table of BenchmarkQueryBuild's statements.
type User struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	Email     string    `db:"email"`
	Age       int64     `db:"age"`
	CreatedAt time.Time `db:"created_at"`
}

const (
	usersDDL  = "create table users (id integer primary key, name text, email text, age integer, created_at timestamp)"
	usersRows = 100
	// The 10-row SELECT of issue 13's end-to-end target: the query-build
	// benchmark's select with a LIMIT, hand-written for the driver ("?") and
	// as an alchemy Text (":name" binds).
	usersSelectRaw     = "SELECT id, name, email, age, created_at FROM users WHERE age > ? AND name LIKE ? LIMIT 10"
	usersSelectAlchemy = "SELECT id, name, email, age, created_at FROM users WHERE age > :age AND name LIKE :name LIMIT 10"
	usersSelectRows    = 10
	// The binds: 60 of the 100 rows have age > 30, and all match the pattern,
	// so the LIMIT cuts the result to 10 rows.
	usersMinAge  = 30
	usersPattern = "user-%"
)

var usersEpoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// userRow is row i (1..usersRows) of the users table.
func userRow(i int) User {
	return User{
		ID:        int64(i),
		Name:      fmt.Sprintf("user-%03d", i),
		Email:     fmt.Sprintf("user-%03d@example.com", i),
		Age:       int64(18 + i%40), // 18..57
		CreatedAt: usersEpoch.Add(time.Duration(i) * time.Hour),
	}
}

// BenchmarkSQLiteSelect10Users is issue 13's end-to-end measure on an SQLite
// memory database (modernc.org/sqlite): build the statement, execute it and
// scan its 10 rows (of 5 columns, from a 100-row table) into a fresh []User.
// raw is database/sql with the hand-written query string, on the driver and
// DSN alchemy's engine uses, one connection; alchemy-text is the engine
// (connectionless Execute) with alchemy.Text built on every iteration, as a
// request handler builds it (compiled once, then served from the engine's
// cache), read with alchemy.All[User].
//
// (BenchmarkSQLiteSelect10, in engine_sqlite_bench_test.go, is the older
// 3-column comparison of the engine's ways of reading rows.)
func BenchmarkSQLiteSelect10Users(b *testing.B) {
	ctx := context.Background()

	b.Run("raw", func(b *testing.B) {
		dsn, err := sqlite.DSN(mustParseURL(b, sqliteURL), nil) // the DSN alchemy's engine uses
		if err != nil {
			b.Fatal(err)
		}
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1) // one memory database
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		if _, err := db.ExecContext(ctx, usersDDL); err != nil {
			b.Fatal(err)
		}
		for i := 1; i <= usersRows; i++ {
			u := userRow(i)
			if _, err := db.ExecContext(ctx, "insert into users (id, name, email, age, created_at) values (?, ?, ?, ?, ?)",
				u.ID, u.Name, u.Email, u.Age, u.CreatedAt); err != nil {
				b.Fatal(err)
			}
		}
		var users []User
		b.ReportAllocs()
		for b.Loop() {
			rs, err := db.QueryContext(ctx, usersSelectRaw, usersMinAge, usersPattern)
			if err != nil {
				b.Fatal(err)
			}
			users = nil
			for rs.Next() {
				var u User
				if err := rs.Scan(&u.ID, &u.Name, &u.Email, &u.Age, &u.CreatedAt); err != nil {
					b.Fatal(err)
				}
				users = append(users, u)
			}
			if err := rs.Err(); err != nil {
				b.Fatal(err)
			}
			rs.Close()
		}
		checkUsers(b, users)
	})

	b.Run("alchemy-text", func(b *testing.B) {
		eng := usersEngine(b)
		var users []User
		b.ReportAllocs()
		for b.Loop() {
			res, err := eng.Execute(ctx, alchemy.Text(usersSelectAlchemy), usersMinAge, usersPattern)
			if err != nil {
				b.Fatal(err)
			}
			if users, err = alchemy.All[User](res); err != nil {
				b.Fatal(err)
			}
		}
		checkUsers(b, users)
	})

	// The same SELECT built with the expression language on every iteration, as
	// a request handler builds it, read with alchemy.All[User].
	b.Run("alchemy-expr", func(b *testing.B) {
		eng := usersEngine(b)
		u := alchemyUsers
		var users []User
		b.ReportAllocs()
		for b.Loop() {
			stmt := u.Select(u.ID, u.Name, u.Email, u.Age, u.CreatedAt).
				Where(u.Age.Gt(usersMinAge), expr.Like(u.Name, usersPattern)).
				Limit(usersSelectRows)
			res, err := eng.Execute(ctx, stmt)
			if err != nil {
				b.Fatal(err)
			}
			if users, err = alchemy.All[User](res); err != nil {
				b.Fatal(err)
			}
		}
		checkUsers(b, users)
	})
}

// usersEngine is an SQLite memory engine holding the 100-row users table.
func usersEngine(b *testing.B) *alchemy.Engine {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(sqliteURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Dispose() })
	_, err = eng.Execute(ctx, alchemy.Text(usersDDL))
	ins := alchemy.Text("insert into users (id, name, email, age, created_at) values (:id, :name, :email, :age, :created_at)")
	for i := 1; err == nil && i <= usersRows; i++ {
		_, err = eng.Execute(ctx, ins, userRow(i))
	}
	if err != nil {
		b.Fatal(err)
	}
	return eng
}

// checkUsers checks the last iteration's rows: the first 10 rows of the table
// whose age is over usersMinAge, as they were inserted.
func checkUsers(b *testing.B, users []User) {
	b.Helper()
	if len(users) != usersSelectRows {
		b.Fatalf("got %d rows, want %d: %+v", len(users), usersSelectRows, users)
	}
	var want []User
	for i := 1; i <= usersRows && len(want) < usersSelectRows; i++ {
		if u := userRow(i); u.Age > usersMinAge {
			want = append(want, u)
		}
	}
	for k, u := range users {
		w := want[k]
		if u.ID != w.ID || u.Name != w.Name || u.Email != w.Email || u.Age != w.Age || !u.CreatedAt.Equal(w.CreatedAt) {
			b.Fatalf("row %d: got %+v, want %+v", k, u, w)
		}
	}
}
