// Package differential holds the parser's differential check
// (TestDifferential): the parse of a large fixed corpus dumped whole and
// compared with an earlier dump, so that a change made for speed is shown
// to change nothing that is read.
package differential
