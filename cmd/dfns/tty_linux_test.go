package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// pty is a pseudo-terminal: the test types on master, the command reads
// slave as its stdin and controlling terminal.
type pty struct {
	master, slave *os.File
	echoed        chan string // what the terminal showed, once the command is gone
}

func openPTY(t *testing.T) *pty {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := &pty{master: master, slave: slave, echoed: make(chan string, 1)}
	go func() {
		var b bytes.Buffer
		io.Copy(&b, master) // ends with EIO when the last slave is closed
		p.echoed <- b.String()
	}()
	t.Cleanup(func() { master.Close(); slave.Close() })
	return p
}

// echoOff reports whether the terminal's echo is off.
func (p *pty) echoOff(t *testing.T) bool {
	tio, err := unix.IoctlGetTermios(int(p.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO == 0
}

// startAtTerminal runs the binary with the pty as stdin and controlling
// terminal, stdout to a buffer, and returns its stderr line by line.
func startAtTerminal(t *testing.T, p *pty, env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdin = p.slave
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, &stdout, bufio.NewReader(stderr)
}

// awaitPrompt reads stderr up to the prompt, then waits until the terminal's
// echo is off (the prompt is written just before), without sleeping.
func awaitPrompt(t *testing.T, p *pty, stderr *bufio.Reader, prompt string) {
	t.Helper()
	got, err := stderr.ReadString(':')
	if err != nil || !strings.HasSuffix(got, prompt) {
		t.Fatalf("prompt %q, %v", got, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !p.echoOff(t) {
		if time.Now().After(deadline) {
			t.Fatal("echo never turned off")
		}
		runtime.Gosched()
	}
}

// TestTerminalPrompts: at a terminal, --code - and --password - prompt on
// stderr, read one line each without echo, and the flow goes on.
func TestTerminalPrompts(t *testing.T) {
	srv := dfnstest.NewServer()
	defer srv.Close()
	p := openPTY(t)
	out := filepath.Join(t.TempDir(), "ppk.pem")
	code := string(srv.MintCode())
	cmd, stdout, stderr := startAtTerminal(t, p, []string{"DFNS_API_URL=" + srv.URL},
		"register", "--kind", "PasswordProtectedKey", "--name", "n", "--out", out, "--code", "-", "--password", "-")
	awaitPrompt(t, p, stderr, "One-time code (not shown):")
	io.WriteString(p.master, code+"\r")
	awaitPrompt(t, p, stderr, "Password (not shown):")
	io.WriteString(p.master, "s3cret pass\r")
	rest, _ := io.ReadAll(stderr)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, rest)
	}
	p.slave.Close()
	echoed := <-p.echoed
	if strings.Contains(echoed, code) || strings.Contains(echoed, "s3cret") {
		t.Errorf("the terminal echoed a secret: %q", echoed)
	}
	if !strings.Contains(stdout.String(), `Registered PasswordProtectedKey credential "n"`) {
		t.Errorf("stdout %q", stdout.String())
	}
	readKeyFile(t, out)
}

// TestTerminalCtrlC: Ctrl-C at the prompt ends the command at once with
// 130, sends nothing, creates no file, and gives the terminal its echo back.
func TestTerminalCtrlC(t *testing.T) {
	p := openPTY(t)
	out := filepath.Join(t.TempDir(), "key.pem")
	cmd, _, stderr := startAtTerminal(t, p, []string{"DFNS_API_URL=http://127.0.0.1:1"},
		"register", "--name", "n", "--out", out, "--code", "-")
	awaitPrompt(t, p, stderr, "One-time code (not shown):")
	io.WriteString(p.master, "\x03") // Ctrl-C: the terminal sends SIGINT
	rest, _ := io.ReadAll(stderr)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit %v, want %d; stderr %q", err, exitInterrupted, rest)
	}
	if !strings.Contains(string(rest), "dfns register: interrupted: nothing was sent") {
		t.Errorf("stderr %q", rest)
	}
	if p.echoOff(t) {
		t.Error("the terminal's echo was not restored")
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}
