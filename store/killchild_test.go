package store

import (
	"bufio"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"
)

// killChild runs this test binary's test named test as a child with
// env=db, waits until it has committed its first round (its first line on
// stdout), lets it work on for a random moment under 1.5 s and kills it.
// It returns that first line, for the kill tests' messages.
func killChild(t *testing.T, test, env, db string, rng *rand.Rand) string {
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
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child ended before its first round: %v", err)
	}
	time.Sleep(time.Duration(rng.Int64N(int64(1500 * time.Millisecond))))
	cmd.Process.Kill()
	cmd.Wait()
	return line
}
