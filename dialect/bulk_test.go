package dialect

import (
	"errors"
	"slices"
	"testing"
)

// drain reads src to its end, as a loader does.
func drain(src RowSource) ([][]any, error) {
	var out [][]any
	for src.Next() {
		v, err := src.Values()
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, src.Err()
}

func TestSliceRows(t *testing.T) {
	rows := [][]any{{1, "a"}, {2, nil}, {3, "c"}}
	got, err := drain(SliceRows(rows))
	if err != nil || len(got) != 3 || !slices.Equal(got[2], rows[2]) || got[1][1] != nil {
		t.Errorf("SliceRows: %v, %v", got, err)
	}
	if got, err := drain(SliceRows(nil)); err != nil || got != nil {
		t.Errorf("SliceRows(nil): %v, %v", got, err)
	}
}

func TestFuncRows(t *testing.T) {
	var calls []int
	src := FuncRows(4, func(i int) ([]any, error) { calls = append(calls, i); return []any{i * 10}, nil })
	if _, err := src.Values(); err == nil {
		t.Error("Values before Next: no error")
	}
	got, err := drain(src)
	if err != nil || len(got) != 4 || got[3][0] != 30 || !slices.Equal(calls, []int{0, 1, 2, 3}) {
		t.Errorf("FuncRows: %v, %v, calls %v", got, err, calls)
	}
	if src.Next() || len(calls) != 4 {
		t.Error("Next after the end")
	}

	boom := errors.New("boom")
	src = FuncRows(10, func(i int) ([]any, error) {
		if i == 2 {
			return nil, boom
		}
		return []any{i}, nil
	})
	got, err = drain(src)
	if !errors.Is(err, boom) || len(got) != 2 {
		t.Errorf("FuncRows with an error at row 2: %v, %v", got, err)
	}
	if src.Next() {
		t.Error("Next after an error")
	}
	if got, err := drain(FuncRows(0, nil)); err != nil || got != nil {
		t.Errorf("FuncRows(0): %v, %v", got, err)
	}
}
