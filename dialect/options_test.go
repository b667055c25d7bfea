package dialect

import (
	"errors"
	"io/fs"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func setting(v any) Setting {
	return Setting{Dialect: "test", Key: "opt", Value: v, Origin: FromQuery}
}

// checkOptionError checks that err is an *OptionError about "opt" that wraps
// ErrInvalidOption and holds every one of wants.
func checkOptionError(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, ErrInvalidOption) {
		t.Errorf("error %q does not wrap ErrInvalidOption", err)
	}
	var oe *OptionError
	if !errors.As(err, &oe) || oe.Key != "opt" {
		t.Errorf("error %q is not an *OptionError about opt", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, `alchemy: test: query option "opt": `) {
		t.Errorf("error %q does not start with the dialect, origin and key", msg)
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not hold %q", msg, w)
		}
	}
}

func TestSettingBool(t *testing.T) {
	tests := []struct {
		value any
		want  bool
		ok    bool
	}{
		{true, true, true}, {false, false, true},
		{1, true, true}, {0, false, true}, {2, false, false},
		{"true", true, true}, {"T", true, true}, {"yes", true, true}, {"Y", true, true}, {"on", true, true}, {"1", true, true},
		{"false", false, true}, {"F", false, true}, {"no", false, true}, {"n", false, true}, {"OFF", false, true}, {"0", false, true},
		{" true ", true, true},
		{"maybe", false, false}, {"", false, false}, {1.0, false, false}, {int64(1), false, false}, {nil, false, false},
	}
	for _, tt := range tests {
		got, err := setting(tt.value).Bool()
		if !tt.ok {
			checkOptionError(t, err, "want a boolean")
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Bool(%#v) = %v, %v; want %v", tt.value, got, err, tt.want)
		}
	}
}

func TestParseBool(t *testing.T) {
	for _, s := range []string{"1", "t", "TRUE", "y", "Yes", "on"} {
		if v, ok := ParseBool(s); !v || !ok {
			t.Errorf("ParseBool(%q) = %v, %v", s, v, ok)
		}
	}
	for _, s := range []string{"0", "f", "False", "n", "NO", "off"} {
		if v, ok := ParseBool(s); v || !ok {
			t.Errorf("ParseBool(%q) = %v, %v", s, v, ok)
		}
	}
	for _, s := range []string{"", " true", "2", "maybe"} { // no trimming
		if _, ok := ParseBool(s); ok {
			t.Errorf("ParseBool(%q) accepted", s)
		}
	}
}

func TestSettingInt(t *testing.T) {
	tests := []struct {
		value any
		want  int
		ok    bool
	}{
		{5, 5, true}, {int32(-7), -7, true}, {int64(1 << 40), 1 << 40, true},
		{uint16(65535), 65535, true}, {uint32(70000), 70000, true},
		{"42", 42, true}, {" 42 ", 42, true}, {"-3", -3, true},
		{"4.5", 0, false}, {"x", 0, false}, {"", 0, false}, {4.0, 0, false}, {uint64(1), 0, false}, {true, 0, false},
	}
	for _, tt := range tests {
		got, err := setting(tt.value).Int()
		if !tt.ok {
			checkOptionError(t, err, "want a whole number")
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Int(%#v) = %v, %v; want %v", tt.value, got, err, tt.want)
		}
	}
}

func TestSettingPort(t *testing.T) {
	for _, v := range []any{1, "3306", uint16(65535)} {
		if _, err := setting(v).Port(); err != nil {
			t.Errorf("Port(%#v): %v", v, err)
		}
	}
	for _, v := range []any{0, "65536", -1} {
		n, err := setting(v).Port()
		checkOptionError(t, err, "is not from 1 to 65535")
		if want, _ := setting(v).Int(); n != want {
			t.Errorf("Port(%#v) returned %d, want the number read, %d", v, n, want)
		}
	}
	_, err := setting("x").Port()
	checkOptionError(t, err, "want a whole number")
}

func TestSettingDuration(t *testing.T) {
	tests := []struct {
		value   any
		any     time.Duration // with AnySeconds; -1 for an error
		decimal time.Duration // with DecimalSeconds; -1 for an error
	}{
		{"10", 10 * time.Second, 10 * time.Second},
		{" 2.5 ", 2500 * time.Millisecond, 2500 * time.Millisecond},
		{"0", 0, 0},
		{"1m30s", 90 * time.Second, 90 * time.Second},
		{"250ms", 250 * time.Millisecond, 250 * time.Millisecond},
		{".5", 500 * time.Millisecond, -1},
		{"5.", 5 * time.Second, -1},
		{"+5", 5 * time.Second, -1},
		{"1e3", 1000 * time.Second, -1},
		{"+0", 0, 0},
		{"-1", -1, -1},
		{"-1s", -1, -1},
		{"soon", -1, -1},
		{"", -1, -1},
		{"inf", -1, -1},
		{"NaN", -1, -1},
		{"1e10", -1, -1},
		{3 * time.Second, 3 * time.Second, 3 * time.Second},
		{-time.Second, -1, -1},
		{7, 7 * time.Second, 7 * time.Second},
		{int64(8), 8 * time.Second, 8 * time.Second},
		{1.5, 1500 * time.Millisecond, 1500 * time.Millisecond},
		{math.NaN(), -1, -1},
		{math.Inf(1), -1, -1},
		{2e9, -1, -1},
		{int32(1), -1, -1},
		{true, -1, -1},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			syntax SecondsSyntax
			want   time.Duration
		}{{AnySeconds, tt.any}, {DecimalSeconds, tt.decimal}} {
			got, err := setting(tt.value).Duration(c.syntax)
			if c.want < 0 {
				checkOptionError(t, err)
				continue
			}
			if err != nil || got != c.want {
				t.Errorf("Duration(%#v, %d) = %v, %v; want %v", tt.value, c.syntax, got, err, c.want)
			}
		}
	}
	_, err := setting("-2").Duration(AnySeconds)
	checkOptionError(t, err, "may not be negative")
	_, err = setting("soon").Duration(AnySeconds)
	checkOptionError(t, err, `want seconds`, `"soon"`)
}

func TestIsDecimal(t *testing.T) {
	for _, s := range []string{"0", "60", "-1", "0.5", "12.25"} {
		if !IsDecimal(s) {
			t.Errorf("IsDecimal(%q) = false", s)
		}
	}
	for _, s := range []string{"", "-", ".5", "5.", "1.2.3", "+1", "1e3", "0x10", " 1"} {
		if IsDecimal(s) {
			t.Errorf("IsDecimal(%q) = true", s)
		}
	}
}

func TestSettingText(t *testing.T) {
	if v, err := setting("x").Text(); v != "x" || err != nil {
		t.Errorf("Text = %q, %v", v, err)
	}
	if v, err := setting("").Text(); v != "" || err != nil {
		t.Errorf("Text of empty = %q, %v", v, err)
	}
	_, err := setting(5).Text()
	checkOptionError(t, err, "want a string, not int")
	if v, err := setting("x").NonEmpty(); v != "x" || err != nil {
		t.Errorf("NonEmpty = %q, %v", v, err)
	}
	_, err = setting("").NonEmpty()
	checkOptionError(t, err, "is empty")
	_, err = setting(5).NonEmpty()
	checkOptionError(t, err, "want a string")
}

func TestSettingShownHidesSecrets(t *testing.T) {
	tests := []struct {
		s    Setting
		want string
	}{
		{setting("a\"b"), `"a\"b"`},
		{setting(5), "5 (int)"},
		{setting(time.Second), "1s (time.Duration)"},
		{Setting{Key: "password", Value: "hunter2", Secret: true}, "(hidden)"},
	}
	for _, tt := range tests {
		if got := tt.s.Shown(); got != tt.want {
			t.Errorf("Shown(%v) = %s, want %s", tt.s.Value, got, tt.want)
		}
	}
	s := Setting{Dialect: "test", Key: "password", Value: "hunter2", Secret: true, Origin: FromArgs}
	for _, f := range []func() error{
		func() error { _, err := s.Bool(); return err },
		func() error { _, err := s.Int(); return err },
		func() error { _, err := s.Duration(AnySeconds); return err },
	} {
		err := f()
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %v shows the secret", err)
		}
	}
}

func TestOptionErrorFormat(t *testing.T) {
	tests := []struct {
		origin Origin
		want   string
	}{
		{FromQuery, `alchemy: test: query option "Opt": bad`},
		{FromArgs, `alchemy: test: connect argument "Opt": bad`},
		{FromEither, `alchemy: test: option "Opt": bad`},
	}
	for _, tt := range tests {
		err := Setting{Dialect: "test", Key: "Opt", Origin: tt.origin}.Errorf("bad")
		if err.Error() != tt.want {
			t.Errorf("Error() = %q, want %q", err, tt.want)
		}
		if !errors.Is(err, ErrInvalidOption) || errors.Is(err, ErrInvalidURL) {
			t.Errorf("%q: errors.Is wrong", err)
		}
	}
	err := setting("/x").Errorf("%w", fs.ErrNotExist)
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrInvalidOption) {
		t.Errorf("error %q does not wrap both its cause and ErrInvalidOption", err)
	}
}

func TestSettings(t *testing.T) {
	u := MustParseURL("x://h/db?b=2&a=1&a=3&c=")
	u.Query["empty"] = nil
	got := Settings("x", u, map[string]any{"z": 1, "b": true})
	want := []Setting{
		{Dialect: "x", Key: "a", Value: "3", Origin: FromQuery},
		{Dialect: "x", Key: "b", Value: "2", Origin: FromQuery},
		{Dialect: "x", Key: "c", Value: "", Origin: FromQuery},
		{Dialect: "x", Key: "empty", Value: "", Origin: FromQuery},
		{Dialect: "x", Key: "b", Value: true, Origin: FromArgs},
		{Dialect: "x", Key: "z", Value: 1, Origin: FromArgs},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Settings =\n%+v\nwant\n%+v", got, want)
	}
	if got := Settings("x", MustParseURL("x://h/db"), nil); len(got) != 0 {
		t.Errorf("Settings of nothing = %v", got)
	}
}

func TestFormatArg(t *testing.T) {
	tests := []struct {
		v    any
		want string
		ok   bool
	}{
		{"s", "s", true}, {true, "true", true}, {false, "false", true},
		{42, "42", true}, {int8(-3), "-3", true}, {uint64(7), "7", true},
		{float32(0.1), "0.1", true}, {2.5, "2.5", true}, {1e21, "1000000000000000000000", true},
		{time.Second, "", false}, {[]byte("x"), "", false}, {nil, "", false},
	}
	for _, tt := range tests {
		got, ok := FormatArg(tt.v)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FormatArg(%#v) = %q, %v; want %q, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}

func TestOptionSet(t *testing.T) {
	type conf struct{ a, b string }
	set := NewOptionSet(strings.ToLower, []*Option[*conf]{
		{Name: "alpha", Aliases: []string{"A1", "first"}, Apply: func(c *conf, s Setting) error {
			v, err := s.Text()
			c.a = v
			return err
		}},
		{Name: "beta", Secret: true, Apply: func(c *conf, s Setting) error {
			v, err := s.Text()
			c.b = v
			return err
		}},
	}...)
	for _, key := range []string{"alpha", "ALPHA", "a1", "First"} {
		o, ok := set.Lookup(key)
		if !ok || o.Name != "alpha" {
			t.Errorf("Lookup(%q) = %v, %v", key, o, ok)
		}
	}
	if _, ok := set.Lookup("gamma"); ok {
		t.Error("Lookup found an unknown option")
	}
	if o := set.Get("beta"); o == nil || !o.Secret {
		t.Errorf("Get(beta) = %v", o)
	}
	if o := set.Get("A1"); o != nil {
		t.Errorf("Get finds aliases: %v", o)
	}
	var c conf
	if err := set.Get("alpha").Apply(&c, setting("x")); err != nil || c.a != "x" {
		t.Errorf("Apply: %v, %+v", err, c)
	}
	names := set.Names()
	slices.Sort(names)
	if want := []string{"A1", "alpha", "beta", "first"}; !slices.Equal(names, want) {
		t.Errorf("Names = %v, want %v", names, want)
	}

	defer func() {
		if recover() == nil {
			t.Error("two options sharing a name did not panic")
		}
	}()
	NewOptionSet(strings.ToLower, &Option[*conf]{Name: "x"}, &Option[*conf]{Name: "y", Aliases: []string{"X"}})
}
