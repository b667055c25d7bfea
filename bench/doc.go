// Package bench compares alchemy's pool and, later, its engine with their Go
// peers. It is its own module so that the peers stay out of alchemy's
// dependencies. See BENCHMARKS.md at the repository root for the figures and
// the commands that reproduce them.
package bench
