//go:build !race

package alchemy_test

// raceBuild: the race detector makes each row read some ten times dearer.
const raceBuild = false
