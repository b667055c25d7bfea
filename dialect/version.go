package dialect

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a database server's version: the numbers it starts with, and the text
// the server reported.
type Version struct {
	Major, Minor, Patch int
	// Raw is the server's own version string ("10.11.19-MariaDB-0+deb12u1").
	Raw string
}

// ParseVersion reads the leading dotted numbers of a server's version string. A
// string that does not start with a number is an error.
func ParseVersion(raw string) (Version, error) {
	v := Version{Raw: raw}
	s := strings.TrimSpace(raw)
	nums := [3]*int{&v.Major, &v.Minor, &v.Patch}
	for i := range nums {
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 0 {
			if i == 0 {
				return v, fmt.Errorf("alchemy: server version %q does not start with a number", raw)
			}
			break
		}
		n, err := strconv.Atoi(s[:j])
		if err != nil {
			return v, fmt.Errorf("alchemy: server version %q: %w", raw, err)
		}
		*nums[i] = n
		s = s[j:]
		if !strings.HasPrefix(s, ".") {
			break
		}
		s = s[1:]
	}
	return v, nil
}

// AtLeast reports whether v is major.minor or later.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// String renders the numbers, as "15.4.0".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}
