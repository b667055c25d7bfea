package alchemyotel

import (
	"strings"
	"testing"
)

// TestSummarize checks the summaries of the conventions' own examples and of the
// SQL alchemy's dialects write.
func TestSummarize(t *testing.T) {
	cases := []struct{ sql, want, op, target string }{
		// The examples of "Generating a summary of the query".
		{"SELECT *\nFROM   wuser_table\nWHERE  username = ?", "SELECT wuser_table", "SELECT", "wuser_table"},
		{"INSERT INTO shipping_details (order_id, address) SELECT order_id, address FROM orders WHERE order_id = ?", "INSERT shipping_details SELECT orders", "INSERT", "shipping_details"},
		{"SELECT * FROM songs, artists WHERE songs.artist_id == artists.id", "SELECT songs artists", "SELECT", "songs"},
		{"SELECT order_date FROM (SELECT * FROM orders o JOIN customers c ON o.customer_id = c.customer_id)", "SELECT SELECT orders customers", "SELECT", "orders"},
		{`SELECT * FROM "song list", 'artists'`, `SELECT "song list" 'artists'`, "SELECT", `"song list"`},
		// Placeholders of each dialect, schemas, aliases, quoting.
		{"select 1", "select", "select", ""},
		{"SELECT users.id, users.name FROM users WHERE users.id = $1", "SELECT users", "SELECT", "users"},
		{"SELECT u.id FROM public.users AS u LEFT OUTER JOIN orders o ON o.uid = u.id WHERE u.id = @p1", "SELECT public.users orders", "SELECT", "public.users"},
		{"SELECT `t`.`a` FROM `db`.`t` WHERE `t`.`a` = ?", "SELECT `db`.`t`", "SELECT", "`db`.`t`"},
		{"SELECT [a] FROM [dbo].[t] WHERE [a] = @p1", "SELECT [dbo].[t]", "SELECT", "[dbo].[t]"},
		{"UPDATE users SET name = $1 WHERE users.id = $2", "UPDATE users", "UPDATE", "users"},
		{"DELETE FROM users WHERE users.id = ?", "DELETE users", "DELETE", "users"},
		{"INSERT INTO users (name) VALUES ($1) ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING users.id", "INSERT users", "INSERT", "users"},
		{"INSERT INTO users (name) VALUES (?) ON DUPLICATE KEY UPDATE name = VALUES(name)", "INSERT users", "INSERT", "users"},
		{"INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", "INSERT kv", "INSERT", "kv"},
		{"REPLACE INTO kv (k, v) VALUES (?, ?)", "REPLACE kv", "REPLACE", "kv"},
		{"SELECT id FROM jobs WHERE done = false LIMIT 1 FOR UPDATE SKIP LOCKED", "SELECT jobs", "SELECT", "jobs"},
		{"SELECT EXTRACT(YEAR FROM created) FROM events", "SELECT events", "SELECT", "events"},
		{"SELECT * FROM generate_series(1, 3)", "SELECT", "SELECT", ""},
		{"WITH recent AS (SELECT * FROM orders) SELECT * FROM recent", "SELECT orders SELECT recent", "SELECT", "orders"},
		{"SELECT a FROM t1 UNION ALL SELECT a FROM t2", "SELECT t1 SELECT t2", "SELECT", "t1"},
		{"CREATE TABLE IF NOT EXISTS otel_x (id INTEGER PRIMARY KEY)", "CREATE TABLE otel_x", "CREATE TABLE", "otel_x"},
		{"DROP TABLE IF EXISTS otel_x", "DROP TABLE otel_x", "DROP TABLE", "otel_x"},
		{"CREATE UNIQUE INDEX ix_name ON users (name)", "CREATE INDEX users", "CREATE INDEX", "users"},
		{"ALTER TABLE users ADD COLUMN age INT REFERENCES t (id) ON DELETE CASCADE", "ALTER TABLE users", "ALTER TABLE", "users"},
		{"TRUNCATE TABLE logs", "TRUNCATE logs", "TRUNCATE", "logs"},
		{"CALL refresh_stats(?)", "CALL refresh_stats", "CALL", "refresh_stats"},
		{"BEGIN", "BEGIN", "BEGIN", ""},
		{"SET search_path TO app", "SET", "SET", ""},
		{"-- a comment\n/* and another */ SELECT 'FROM secret' FROM t", "SELECT t", "SELECT", "t"},
		{"SELECT $$ FROM x $$ FROM t", "SELECT t", "SELECT", "t"},
		{"MERGE INTO target t USING source s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)", "MERGE target source", "MERGE", "target"},
		{"", "", "", ""},
		{"   ", "", "", ""},
		{"'unterminated", "", "", ""},
	}
	for _, c := range cases {
		s := summarize(c.sql)
		if s.text != c.want || s.op != c.op || s.target != c.target {
			t.Errorf("summarize(%q) = %q (op %q, target %q), want %q (op %q, target %q)", c.sql, s.text, s.op, s.target, c.want, c.op, c.target)
		}
	}
}

// TestSummarizeCut checks that a long summary is cut at a word, at most 255 bytes.
func TestSummarizeCut(t *testing.T) {
	var b strings.Builder
	b.WriteString("SELECT * FROM ")
	for i := range 100 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("a_rather_long_table_name")
	}
	s := summarize(b.String())
	if len(s.text) > maxSummary || !strings.HasSuffix(s.text, "a_rather_long_table_name") || s.targets < 9 {
		t.Fatalf("cut summary: %d bytes, %d targets: %q", len(s.text), s.targets, s.text)
	}
}

// FuzzSummarize: no input makes summarize panic or exceed the limit.
func FuzzSummarize(f *testing.F) {
	for _, s := range []string{"SELECT * FROM t", "INSERT INTO \"a\".b (x) VALUES ($1)", "'", "$a$", "[x", "/*", "CREATE INDEX ON"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		if s := summarize(sql); len(s.text) > maxSummary {
			t.Fatalf("summary of %d bytes", len(s.text))
		}
	})
}
