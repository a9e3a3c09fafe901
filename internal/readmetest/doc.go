// Package readmetest holds the test that builds and runs every Go block of
// the repository's README.md, so that the README's programs compile and
// work as written.
package readmetest
