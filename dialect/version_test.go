package dialect

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		name                string
		raw                 string
		major, minor, patch int
		str                 string
	}{
		{name: "PostgreSQL on Debian", raw: "15.19 (Debian 15.19-0+deb12u1)", major: 15, minor: 19, str: "15.19.0"},
		{name: "PostgreSQL development", raw: "17devel", major: 17, str: "17.0.0"},
		{name: "PostgreSQL beta", raw: "16beta2", major: 16, str: "16.0.0"},
		{name: "MariaDB on Debian", raw: "10.11.19-MariaDB-0+deb12u1", major: 10, minor: 11, patch: 19, str: "10.11.19"},
		{name: "MySQL on Ubuntu", raw: "8.0.36-0ubuntu0.22.04.1", major: 8, minor: 0, patch: 36, str: "8.0.36"},
		{name: "SQLite", raw: "3.46.1", major: 3, minor: 46, patch: 1, str: "3.46.1"},
		{name: "SQL Server, four numbers", raw: "16.0.1000.6", major: 16, minor: 0, patch: 1000, str: "16.0.1000"},
		{name: "PgBouncer", raw: "1.18.0", major: 1, minor: 18, patch: 0, str: "1.18.0"},
		{name: "major only", raw: "9", major: 9, str: "9.0.0"},
		{name: "surrounding space", raw: "  14.2\n", major: 14, minor: 2, str: "14.2.0"},
		{name: "trailing dot", raw: "15.", major: 15, str: "15.0.0"},
		{name: "double dot", raw: "15..3", major: 15, str: "15.0.0"},
		{name: "leading zeros", raw: "08.04.003", major: 8, minor: 4, patch: 3, str: "8.4.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVersion(tt.raw)
			if err != nil {
				t.Fatalf("ParseVersion(%q): %v", tt.raw, err)
			}
			if v.Major != tt.major || v.Minor != tt.minor || v.Patch != tt.patch {
				t.Errorf("ParseVersion(%q) = %d.%d.%d, want %d.%d.%d", tt.raw, v.Major, v.Minor, v.Patch, tt.major, tt.minor, tt.patch)
			}
			if v.Raw != tt.raw {
				t.Errorf("Raw = %q, want %q", v.Raw, tt.raw)
			}
			if got := v.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
		})
	}
}

func TestParseVersionErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
	}{
		{name: "empty", raw: ""},
		{name: "space only", raw: " \t"},
		{name: "word first, as SELECT version() gives", raw: "PostgreSQL 15.4 on x86_64-pc-linux-gnu"},
		{name: "v prefix", raw: "v1.2.3"},
		{name: "negative", raw: "-1.2"},
		{name: "dot first", raw: ".5"},
		{name: "garbage", raw: "\x00\xff garbage"},
		{name: "too big to be a number", raw: "99999999999999999999999.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVersion(tt.raw)
			if err == nil {
				t.Fatalf("ParseVersion(%q) = %v, want an error", tt.raw, v)
			}
			if !strings.HasPrefix(err.Error(), "alchemy: ") || !strings.Contains(err.Error(), "server version") {
				t.Errorf("error %q does not start with \"alchemy: \" and name the server version", err)
			}
			if v.Raw != tt.raw {
				t.Errorf("Raw = %q with the error, want the input kept", v.Raw)
			}
		})
	}
}

func TestVersionAtLeast(t *testing.T) {
	v := Version{Major: 15, Minor: 4, Patch: 2}
	tests := []struct {
		name         string
		major, minor int
		want         bool
	}{
		{name: "same", major: 15, minor: 4, want: true},
		{name: "older minor", major: 15, minor: 3, want: true},
		{name: "newer minor", major: 15, minor: 5, want: false},
		{name: "older major, newer minor", major: 14, minor: 99, want: true},
		{name: "newer major, older minor", major: 16, minor: 0, want: false},
		{name: "zero", major: 0, minor: 0, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := v.AtLeast(tt.major, tt.minor); got != tt.want {
				t.Errorf("%v.AtLeast(%d, %d) = %v, want %v", v, tt.major, tt.minor, got, tt.want)
			}
		})
	}
}
