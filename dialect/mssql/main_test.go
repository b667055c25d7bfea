package mssql_test

import (
	"testing"
	_ "time/tzdata" // time zones for the loc tests, whatever the machine has

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
