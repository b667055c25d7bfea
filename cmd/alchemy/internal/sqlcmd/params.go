package sqlcmd

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/cmd/alchemy/internal/cli"
)

// paramTypes are the types a -p value may be given: name:type=value.
var paramTypes = []string{"string", "int", "float", "bool", "null"}

// parseParams reads the -p flags, each name=value or name:type=value, into
// the values of :name binds. A value is a string unless typed.
func parseParams(flags []string) (map[string]any, error) {
	params := make(map[string]any, len(flags))
	for _, f := range flags {
		name, value, ok := strings.Cut(f, "=")
		if !ok {
			return nil, cli.Usagef("-p %q: give name=value (or name:type=value)", f)
		}
		name, typ, typed := strings.Cut(name, ":")
		if !validName(name) {
			return nil, cli.Usagef("-p %q: %q is not a bind name (letters, digits and _, not starting with a digit)", f, name)
		}
		if _, dup := params[name]; dup {
			return nil, cli.Usagef("-p %s: given twice", name)
		}
		if !typed {
			typ = "string"
		}
		v, err := convert(typ, value)
		if err != nil {
			return nil, cli.Usagef("-p %s: %v", name, err)
		}
		params[name] = v
	}
	return params, nil
}

// convert reads value as typ.
func convert(typ, value string) (any, error) {
	switch typ {
	case "string", "str", "text":
		return value, nil
	case "int":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an int", value)
		}
		return n, nil
	case "float":
		x, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a float", value)
		}
		return x, nil
	case "bool":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return nil, fmt.Errorf("%q is not a bool (true or false)", value)
		}
		return b, nil
	case "null":
		if value != "" {
			return nil, fmt.Errorf("a null takes no value (name:null=)")
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown type %q (give one of %s)", typ, strings.Join(paramTypes, ", "))
}

// validName reports whether name can be a :name bind.
func validName(name string) bool {
	if name == "" || isDigit(name[0]) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isWordStart(c) && !isDigit(c) || c >= 0x80 {
			return false
		}
	}
	return true
}
