package orm

import (
	"database/sql"
	"fmt"
	"reflect"
	"strconv"
	"time"
)

var scannerType = reflect.TypeFor[sql.Scanner]()

// assignValue sets dst from a value a driver gave (nil, int64, float64, bool,
// []byte, string, time.Time): what a LEFT JOIN's columns, read as any because
// they may be NULL, go through.
func assignValue(dst reflect.Value, src any) error {
	if src == nil {
		dst.SetZero()
		return nil
	}
	if dst.Addr().Type().Implements(scannerType) {
		return dst.Addr().Interface().(sql.Scanner).Scan(src)
	}
	if dst.Kind() == reflect.Pointer {
		p := reflect.New(dst.Type().Elem())
		if err := assignValue(p.Elem(), src); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	sv := reflect.ValueOf(src)
	if b, ok := src.([]byte); ok && dst.Kind() != reflect.Slice {
		return assignText(dst, string(b))
	}
	if s, ok := src.(string); ok && dst.Kind() != reflect.String {
		return assignText(dst, s)
	}
	if sv.Type().ConvertibleTo(dst.Type()) && (sv.Kind() == reflect.String) == (dst.Kind() == reflect.String) {
		dst.Set(sv.Convert(dst.Type()))
		return nil
	}
	if dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() == reflect.Uint8 {
		switch x := src.(type) {
		case []byte:
			dst.SetBytes(append([]byte(nil), x...))
			return nil
		case string:
			dst.SetBytes([]byte(x))
			return nil
		}
	}
	return fmt.Errorf("cannot store a %T in a %s", src, dst.Type())
}

// assignText parses text into dst.
func assignText(dst reflect.Value, s string) error {
	switch dst.Kind() {
	case reflect.String:
		dst.SetString(s)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			dst.SetInt(n)
		}
		return err
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, 64)
		if err == nil {
			dst.SetUint(n)
		}
		return err
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err == nil {
			dst.SetFloat(f)
		}
		return err
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err == nil {
			dst.SetBool(b)
		}
		return err
	case reflect.Slice:
		if dst.Type().Elem().Kind() == reflect.Uint8 {
			dst.SetBytes([]byte(s))
			return nil
		}
	}
	if dst.Type() == timeType {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				dst.Set(reflect.ValueOf(t))
				return nil
			}
		}
	}
	return fmt.Errorf("cannot store %q in a %s", s, dst.Type())
}
