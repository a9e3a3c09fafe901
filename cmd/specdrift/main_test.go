package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun checks that the command passes its arguments to specdrift and
// returns its exit code.
func TestRun(t *testing.T) {
	cases := []struct {
		args   []string
		exit   int
		stdout string
	}{
		{[]string{"-upstream", "../../internal/specdrift/testdata/full-document.yaml", "-vendored", "../../internal/specdrift/testdata/vendored.yaml"}, 0, "no drift (upstream 1.807.0, vendored 1.807.0)\n"},
		{[]string{"-upstream", "../../internal/specdrift/testdata/operation-missing.yaml", "-vendored", "../../internal/specdrift/testdata/vendored.yaml"}, 2, ""},
		{[]string{}, 2, ""},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		if got := run(tc.args, &stdout, &stderr); got != tc.exit || stdout.String() != tc.stdout {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d, %q", tc.args, got, stdout.String(), stderr.String(), tc.exit, tc.stdout)
		}
		if tc.exit == 2 && !strings.HasPrefix(stderr.String(), "specdrift: ") {
			t.Errorf("%q: stderr %q, want a specdrift: message", tc.args, stderr.String())
		}
	}
}
