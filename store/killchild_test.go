package store

import (
	"bufio"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"
)

// startChild runs this test binary's test named test as a child with
// env=db and waits for its first line on stdout (the child says it has
// begun: opening, or a first round committed); a child that ends before
// fails the test with ended and the error. It returns the child, the rest
// of its stdout and that line.
func startChild(t *testing.T, test, env, db, ended string) (*exec.Cmd, *bufio.Reader, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^"+test+"$")
	cmd.Env = append(os.Environ(), env+"="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%s: %v", ended, err)
	}
	return cmd, r, line
}

// killChild starts the child (startChild), waits until it has committed
// its first round, lets it work on for a random moment under 1.5 s and
// kills it. It returns that first line, for the kill tests' messages.
func killChild(t *testing.T, test, env, db string, rng *rand.Rand) string {
	t.Helper()
	cmd, _, line := startChild(t, test, env, db, "child ended before its first round")
	time.Sleep(time.Duration(rng.Int64N(int64(1500 * time.Millisecond))))
	cmd.Process.Kill()
	cmd.Wait()
	return line
}
