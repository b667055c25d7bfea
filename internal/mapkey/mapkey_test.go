package mapkey

import (
	"reflect"
	"testing"
)

type key struct {
	sql  string
	mode uint8
	cols string
}

type holder struct {
	name string
	v    any
}

// TestUsable: Usable answers as reflect.Value.Comparable does, and a value it
// accepts works as a map key.
func TestUsable(t *testing.T) {
	ch := make(chan int)
	x := 1
	cases := []struct {
		v    any
		want bool
	}{
		{nil, false},
		{1, true},
		{"s", true},
		{&x, true},
		{ch, true},
		{key{"select 1", 1, ""}, true},
		{holder{"a", nil}, true},
		{holder{"a", 5}, true},
		{holder{"a", holder{"b", "c"}}, true},
		{holder{"a", []int{1}}, false},
		{holder{"a", holder{"b", map[string]int{}}}, false},
		{[2]any{1, "x"}, true},
		{[2]any{1, []byte("x")}, false},
		{[3]int{1, 2, 3}, true},
		{[1]holder{{"a", func() {}}}, false},
		{[]int{1}, false},
		{map[string]int{}, false},
		{func() {}, false},
		{struct{ s []int }{}, false},
	}
	for _, c := range cases {
		if got := Usable(c.v); got != c.want {
			t.Errorf("Usable(%#v) = %v, want %v", c.v, got, c.want)
		}
		if c.v != nil {
			if std := reflect.ValueOf(c.v).Comparable(); std != c.want {
				t.Errorf("reflect says %v for %#v: the table is wrong", std, c.v)
			}
		}
		if c.want {
			m := map[any]int{c.v: 1}
			if m[c.v] != 1 {
				t.Errorf("%#v is not found under itself", c.v)
			}
		}
	}
}

// TestUsableAllocations: checking a struct key allocates nothing.
func TestUsableAllocations(t *testing.T) {
	var k any = key{"select 1", 1, "id"}
	var h any = holder{"a", key{"b", 2, ""}}
	if n := testing.AllocsPerRun(100, func() {
		if !Usable(k) || !Usable(h) {
			t.Fatal("not usable")
		}
	}); n != 0 {
		t.Errorf("Usable allocates %v times, want 0", n)
	}
}
