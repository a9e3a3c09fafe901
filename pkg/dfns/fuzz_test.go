package dfns

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Run one at a time, e.g.
//
//	go test -run '^$' -fuzz=FuzzParseChallenge -fuzztime=60s ./pkg/dfns/
//
// Inputs that once failed are kept in testdata/fuzz/<FuzzName>/ and run as
// ordinary tests by `go test`.

// addSeedFiles adds every file under the given directories (those that
// exist) to the seed corpus.
func addSeedFiles(f *testing.F, dirs ...string) {
	f.Helper()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f.Add(data)
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
}

// FuzzParseChallenge checks ParseChallenge and ParseChallengeStrict:
//   - nothing panics; errors are *DecodeError or *ValidationError with a
//     JSON-pointer Path;
//   - a decoded Challenge has a kind, the concrete type of that kind (or
//     *UnknownChallenge), and the challengeIdentifier of the body;
//   - what strict accepts, the default accepts as the same variant, and the
//     variant marshals back to a body strict accepts.
func FuzzParseChallenge(f *testing.F) {
	addSeedFiles(f, "testdata/corpus", "testdata/responses")
	f.Fuzz(func(t *testing.T, data []byte) {
		ch, err := ParseChallenge(data)
		if err != nil {
			checkErrorShape(t, "ParseChallenge", err)
		} else {
			checkChallenge(t, data, ch)
		}
		chs, serr := ParseChallengeStrict(data)
		if serr != nil {
			checkErrorShape(t, "ParseChallengeStrict", serr)
			return
		}
		if !chs.Kind().Valid() || concreteKind(chs) != chs.Kind() {
			t.Fatalf("ParseChallengeStrict: %T of kind %q", chs, chs.Kind())
		}
		if err != nil || concreteKind(ch) != chs.Kind() {
			t.Fatalf("strict accepted a %s, ParseChallenge gave %T, %v", chs.Kind(), ch, err)
		}
		again, err := json.Marshal(chs)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseChallengeStrict(again); err != nil {
			t.Fatalf("the variant marshals to a body strict refuses: %v\n%s", err, again)
		}
	})
}

// checkErrorShape checks that a parse error is one of the documented types.
func checkErrorShape(t *testing.T, fn string, err error) {
	t.Helper()
	var de *DecodeError
	var ve *ValidationError
	switch {
	case errors.As(err, &de):
	case errors.As(err, &ve):
		if ve.In != "response" || ve.Rule == "" || (ve.Path != "" && !strings.HasPrefix(ve.Path, "/")) {
			t.Fatalf("%s: malformed ValidationError %+v", fn, *ve)
		}
	default:
		t.Fatalf("%s: %T %v, want a *DecodeError or a *ValidationError", fn, err, err)
	}
}

// checkChallenge checks a Challenge ParseChallenge decoded from data.
func checkChallenge(t *testing.T, data []byte, ch Challenge) {
	t.Helper()
	if ch == nil {
		t.Fatal("ParseChallenge: nil Challenge and nil error")
	}
	if ch.Kind() == "" {
		t.Fatalf("ParseChallenge: %T with an empty Kind()", ch)
	}
	if ch.Kind().Valid() {
		if concreteKind(ch) != ch.Kind() {
			t.Fatalf("ParseChallenge: %T for kind %q", ch, ch.Kind())
		}
	} else if _, ok := ch.(*UnknownChallenge); !ok {
		t.Fatalf("ParseChallenge: %T for unknown kind %q", ch, ch.Kind())
	}
	// The body is an object with a challengeIdentifier string, under its
	// name or (encoding/json matches struct fields case-insensitively) a
	// case variant of it, maybe duplicated (null is a no-op for
	// encoding/json), and ChallengeIdentifier() is one of them.
	ids := topLevelStrings(t, data, "challengeIdentifier")
	got := ch.ChallengeIdentifier()
	for _, id := range ids {
		if id == got {
			return
		}
	}
	t.Fatalf("ParseChallenge: ChallengeIdentifier() = %q, the body has %q", ch.ChallengeIdentifier(), ids)
}

// topLevelStrings returns every string value of the body's top-level keys
// that match key case-insensitively, duplicates included.
func topLevelStrings(t *testing.T, data []byte, key string) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("ParseChallenge succeeded on a body that is not an object: %v %v", tok, err)
	}
	var out []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		var s string
		if strings.EqualFold(k.(string), key) && bytes.HasPrefix(v, []byte(`"`)) && json.Unmarshal(v, &s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// secretAlphabet is what a one-time code is made of ("A7U-KY6-9PT"), widened
// to URL-unreserved characters. A secret with JSON syntax or spaces in it
// would "appear" in Details or Error() through the JSON or sentence around
// the redacted values, which is not a leak.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

// FuzzParseAPIError: ParseAPIError never panics, and a secret of three
// characters or more never appears in the APIError's Error(), Message, ID or
// Details, unless the library's own text ("dfns: 400 Bad Request",
// "[REDACTED]") holds it. That covers a secret that appears in the body (the
// invariant asked for) and one that appears there only JSON-escaped
// ("\u0041\u0037U-KY6-9PT"). A Message or ID that ParseAPIError copies as raw
// JSON (a non-string message or id) must not hold it once decoded either.
func FuzzParseAPIError(f *testing.F) {
	const code = "A7U-KY6-9PT"
	for _, s := range []struct {
		status int
		body   string
		secret string
	}{
		{400, `{"error":{"id":"e1","status":400,"message":"bad code A7U-KY6-9PT","details":{"code":"A7U-KY6-9PT"}}}`, code},
		{401, `{"error":{"message":"code A7U-KY6-9PT expired"}}`, code},
		{401, `{"message":"A7U-KY6-9PT"}`, code},
		{422, `{"error":{"id":"A7U-KY6-9PT","details":[{"path":["code"],"value":"A7U-KY6-9PT"}]}}`, code},
		{400, `{"error":{"message":"\u0041\u0037U-KY6-9PT"}}`, code},
		{400, `{"error":{"details":{"A7U-KY6-9PT":1,"\u0041\u0037U-KY6-9PT":"A7U-KY6-9P\u0054"}}}`, code},
		{400, `{"error":{"message":{"text":"\u0041\u0037U-KY6-9PT"}}}`, code},
		{400, `{"error":{"id":["A7U-KY6-9P\u0054"]}}`, code},
		{400, `{"message":["A7U-KY6-9PT"]}`, code},
		{500, `<html>A7U-KY6-9PT</html>`, code},
		{429, `{"error":{"message":123456,"details":123456}}`, "123456"},
		{503, ``, ""},
		{418, `{"error":null,"message":null}`, "abc"},
		{0, `{"error":{"message":"x"}}`, "x"},
		{-1, `[]`, "[]"},
	} {
		f.Add(s.status, []byte(s.body), s.secret)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, secret string) {
		e := ParseAPIError(status, nil, body, OneTimeCode(secret))
		if e == nil {
			t.Fatal("nil *APIError")
		}
		if e.StatusCode != status {
			t.Fatalf("StatusCode = %d, want %d", e.StatusCode, status)
		}
		msg := e.Error()
		if len(secret) < 3 || strings.Trim(secret, secretAlphabet) != "" {
			return
		}
		libraryText := fmt.Sprintf("dfns: %d %s", status, http.StatusText(status)) + " " + redacted
		if strings.Contains(libraryText, secret) {
			return
		}
		for _, fld := range []struct {
			name  string
			value string
		}{
			{"Error()", msg}, {"Message", e.Message}, {"ID", e.ID}, {"Details", string(e.Details)},
		} {
			if strings.Contains(fld.value, secret) {
				t.Fatalf("%s holds the secret %q: %q", fld.name, secret, fld.value)
			}
			// A field that is JSON must not spell it with escapes either.
			if jsonHolds([]byte(fld.value), secret) {
				t.Fatalf("%s is JSON whose strings hold the secret %q: %q", fld.name, secret, fld.value)
			}
		}
	})
}

// jsonHolds reports whether data is JSON and one of its strings or keys
// holds secret.
func jsonHolds(data []byte, secret string) bool {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return false
	}
	return stringsHold(v, secret)
}

// stringsHold reports whether a string or key of a decoded JSON value holds
// secret.
func stringsHold(v any, secret string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, secret)
	case []any:
		for _, x := range v {
			if stringsHold(x, secret) {
				return true
			}
		}
	case map[string]any:
		for k, x := range v {
			if strings.Contains(k, secret) || stringsHold(x, secret) {
				return true
			}
		}
	}
	return false
}

// FuzzBaseURL: WithBaseURL never panics, and a Client's base URL is https
// (or http on a loopback host), with a host and no query, fragment or
// user-info; New(WithBaseURL(c.BaseURL())) gives the same base URL back.
func FuzzBaseURL(f *testing.F) {
	for _, s := range []string{
		"https://api.dfns.io", "https://api.uae.dfns.io/", "https://gw.example.com/dfns/v1/",
		"http://localhost:8080", "http://127.0.0.1:9000/prefix", "http://[::1]:8080", "http://sandbox.localhost",
		"http://example.com", "https://user:pass@api.dfns.io", "https://api.dfns.io?x=1", "https://api.dfns.io/#frag",
		"https://api.dfns.io/?", "ftp://api.dfns.io", "https:api.dfns.io", "https:///path", "//api.dfns.io",
		"HTTPS://API.DFNS.IO", "http://LOCALHOST", "http://127.1", "http://0.0.0.0", "http://[::ffff:127.0.0.1]",
		"https://[fe80::1%25en0]/", "https://h/a%2Fb/", "https://h/%23", "https://h/a b", "", " https://api.dfns.io",
		"https://api.dfns.io\n", "http://localhost.", "https://:443", "https://h:99999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := New(WithBaseURL(raw))
		if err != nil {
			var be *BaseURLError
			if !errors.As(err, &be) {
				t.Fatalf("New: %T %v, want a *BaseURLError", err, err)
			}
			if u, perr := url.Parse(raw); perr == nil && u.User != nil {
				if p, ok := u.User.Password(); ok && len(p) >= 3 && strings.Count(raw, p) == 1 && strings.Contains(err.Error(), p) {
					t.Fatalf("the error shows the password: %v", err)
				}
			}
			return
		}
		base := c.BaseURL()
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("BaseURL() %q does not parse: %v", base, err)
		}
		switch u.Scheme {
		case "https":
		case "http":
			if !loopbackHost(u.Hostname()) {
				t.Fatalf("BaseURL() %q: plain http to a host that is not loopback", base)
			}
		default:
			t.Fatalf("BaseURL() %q: scheme %q", base, u.Scheme)
		}
		if u.Host == "" || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
			t.Fatalf("BaseURL() %q: %+v", base, *u)
		}
		if strings.ContainsAny(base, "?#") || strings.HasSuffix(base, "/") {
			t.Fatalf("BaseURL() %q: a query or fragment marker, or a trailing slash", base)
		}
		c2, err := New(WithBaseURL(base))
		if err != nil {
			t.Fatalf("BaseURL() %q is refused by WithBaseURL: %v", base, err)
		}
		if c2.BaseURL() != base {
			t.Fatalf("BaseURL() %q gives %q on a second pass", base, c2.BaseURL())
		}
	})
}

// loopbackHost is this test's own idea of a loopback host: localhost or a
// loopback IP (not *.localhost names, which DNS could point anywhere).
func loopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
