package dialect

import "testing"

func TestParamstyle(t *testing.T) {
	tests := []struct {
		name     string
		p        Paramstyle
		str      string
		numbered bool
		marks    map[int]string
	}{
		{name: "question", p: Question, str: "qmark", numbered: false, marks: map[int]string{1: "?", 2: "?", 100: "?"}},
		{name: "dollar", p: Dollar, str: "numeric_dollar", numbered: true, marks: map[int]string{1: "$1", 2: "$2", 10: "$10", 65535: "$65535"}},
		{name: "at p", p: AtP, str: "named_at_p", numbered: true, marks: map[int]string{1: "@p1", 9: "@p9", 2100: "@p2100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.p.Numbered(); got != tt.numbered {
				t.Errorf("Numbered() = %v, want %v", got, tt.numbered)
			}
			for n, want := range tt.marks {
				if got := tt.p.Placeholder(n); got != want {
					t.Errorf("Placeholder(%d) = %q, want %q", n, got, want)
				}
				buf := []byte("x = ")
				if got := string(tt.p.AppendPlaceholder(buf, n)); got != "x = "+want {
					t.Errorf("AppendPlaceholder(%q, %d) = %q, want %q", buf, n, got, "x = "+want)
				}
			}
		})
	}
}

func TestParamstyleUnknown(t *testing.T) {
	p := Paramstyle(42)
	if got := p.String(); got != "Paramstyle(42)" {
		t.Errorf("String() = %q, want Paramstyle(42)", got)
	}
	if p.Numbered() {
		t.Error("an unknown style is Numbered")
	}
}

func TestAppendPlaceholderBuildsAStatement(t *testing.T) {
	tests := []struct {
		name string
		p    Paramstyle
		want string
	}{
		{name: "question", p: Question, want: "INSERT INTO t VALUES (?, ?, ?)"},
		{name: "dollar", p: Dollar, want: "INSERT INTO t VALUES ($1, $2, $3)"},
		{name: "at p", p: AtP, want: "INSERT INTO t VALUES (@p1, @p2, @p3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := make([]byte, 0, 64)
			buf = append(buf, "INSERT INTO t VALUES ("...)
			for n := 1; n <= 3; n++ {
				if n > 1 {
					buf = append(buf, ", "...)
				}
				buf = tt.p.AppendPlaceholder(buf, n)
			}
			buf = append(buf, ')')
			if string(buf) != tt.want {
				t.Errorf("got %q, want %q", buf, tt.want)
			}
			// Appending within capacity allocates nothing.
			allocs := testing.AllocsPerRun(100, func() { buf = tt.p.AppendPlaceholder(buf[:0], 12345) })
			if allocs != 0 {
				t.Errorf("AppendPlaceholder allocates %v times", allocs)
			}
		})
	}
}
