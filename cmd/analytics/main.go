// Command analytics is Nianbao's one binary: parse, validate, ingest,
// serve, export, generate. Each subcommand lives in its own file and
// registers itself; main only dispatches.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

type command struct {
	name    string
	summary string
	hidden  bool // not listed: run by the server itself (parse-worker)
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is main without the process: tests drive it whole.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "analytics: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Nianbao (年报): government information disclosure annual reports, parsed, checked and compared.")
	fmt.Fprintln(w, "\nUsage: analytics COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n, c := range commands {
		if !c.hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `analytics COMMAND -h` for a command's flags.")
}
