//lint:file-ignore SA1019 the sandbox serves the deprecated kinds and token too.

package dfnstest

import (
	"bytes"
	"encoding/json"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// The fuzz targets drive the sandbox's Handler with httptest recorders (no
// network, but for the reset faults). Run one at a time, e.g.
//
//	go test -run '^$' -fuzz='^FuzzInitRequest$' -fuzztime=60s ./pkg/dfnstest/
//
// or all of the module's with `make fuzz`. Inputs that once failed are kept
// in testdata/fuzz/<FuzzName>/ and run with the unit tests. In the inputs,
// "$CODE" stands for the live code of the input's sandbox, "$HUGE" and
// "$FILL" for padding (see expand).

// initSeeds are request bodies of init: valid ones of every kind, and every
// invalid case of docs/sandbox.md and of the unit tests.
func initSeeds() []string {
	seeds := []string{
		"", " \n\t", "null", "true", "0", "[]", "{}", `"$CODE"`, `["SECRET-ARRAY"]`, `"SECRET-STRING"`,
		`{"credentialKind":"Key","code":"$CODE"`,
		`{"credentialKind":"Key","code":"$CODE"} {"x":"TRAILER"}`,
		`{"credentialKind":"Key","code":"$CODE"}]`,
		`{"credentialKind":"Passkey9","code":"$CODE"}`,
		`{"credentialKind":12345,"code":"$CODE"}`,
		`{"credentialKind":"Key","code":987654}`,
		`{"credentialKind":"Key","code":{"v":"$CODE"}}`,
		`{"credentialKind":"Key","code":["$CODE"]}`,
		`{"credentialKind":"Key","code":""}`,
		`{"credentialKind":"Key","code":null}`,
		`{"credentialKind":"Key"}`,
		`{"code":"$CODE"}`,
		`{"credentialKind":"Key","code":"$CODE","smuggledKey":"SMUGGLED-VALUE"}`,
		`{"credentialKind":"Key","Code":"$CODE"}`,
		`{"credentialKind":null,"code":"$CODE"}`,
		`{"credentialKind":"key","code":"$CODE"}`,
		`{"credentialKind":"Key","code":"$CODE","code":"AAA-BBB-CCC"}`,
		`{"credentialKind":"Key","code":"AAA-BBB-CCC","code":"$CODE"}`,
		`{"credentialKind":"Fido2","credentialKind":"Key","code":"$CODE"}`,
		`{"credentialKind":"Key","c\u006fde":"$CODE"}`,
		`{"credentialKind":"K\u0065y","code":"$CODE"}`,
		`{"credentialKind":"Key","code":"$CODE\u0000"}`,
		`{"credentialKind":"Key","code":"` + "\xff\xfe" + `$CODE"}`,
		`{"credentialKind":"Key","nested":{"code":"$CODE"}}`,
		`{"credentialKind":"$CODE","code":"$CODE"}`,
		`{"credentialKind":"LEAK1","code":"LEAK2","LEAK3":"LEAK4"}`,
		`{"credentialKind":["LEAK1"],"code":{"LEAK2":"LEAK3"}}`,
		`{"credentialKind":"Key","code":"","LEAK1":null}`,
		`{"credentialKind":"Key","code":"A"}`,
		`{"credentialKind":"Totp","code":"ABC-DEF-GHJ"}`,
		`{"credentialKind":"Key","code":"A","x":1}`,
		`{"credentialKind":"Key","code":1.5e300}`,
		`{"credentialKind":"Key","code":-0.0000001234}`,
		"credentialKind=Key&code=$CODE",
		"$CODE",
		`{"credentialKind":"Key","code":"$HUGE"}`,
		`{"credentialKind":"Key","code":"$CODE"}$FILL`,
		`$FILL{"credentialKind":"Key","code":"$CODE"}x`,
		`{"credentialKind":"Key","code":"$FILL"}`,
	}
	for _, kind := range dfns.CredentialKinds() {
		seeds = append(seeds,
			`{"credentialKind":"`+string(kind)+`","code":"$CODE"}`,
			" {\n \"code\" : \"$CODE\" ,\t\"credentialKind\" : \""+string(kind)+"\" }\n",
			`{"credentialKind":"`+strings.ToLower(string(kind))+`","code":"$CODE"}`,
		)
	}
	return seeds
}

// initContentTypes are the Content-Types of the seeds.
var initContentTypes = []string{
	"application/json", "application/json; charset=utf-8", "Application/JSON", "", "text/plain",
	"application/x-www-form-urlencoded", "application/jsonx", "application/json; charset",
	"application/json; code=$CODE", "application/merge-patch+json",
}

// FuzzInitRequest drives POST /auth/credentials/code/init with any body and
// Content-Type. Invariants: no panic; the status is 200, 400, 401, 413 or
// 415, and the one an independent reading of the documentation expects;
// every other answer is the documented envelope, its details JSON pointers
// into the body, and it repeats no value of the request; every 200 is a
// challenge ParseChallengeStrict accepts, of the requested kind, whose
// challengeIdentifier is the sandbox's token; the record has the status and
// never the code.
func FuzzInitRequest(f *testing.F) {
	seeds := initSeeds()
	for i, body := range seeds {
		f.Add([]byte(body), initContentTypes[i%len(initContentTypes)])
		if i%len(initContentTypes) != 0 {
			f.Add([]byte(body), "application/json")
		}
	}
	for _, b := range seedFiles(f, "../dfns/testdata/corpus", "../dfns/testdata/responses") {
		f.Add(b, "application/json")
	}
	vocab := vocabulary()
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		s, code := fuzzSandbox()
		body = expand(body, code)
		contentType = strings.ReplaceAll(contentType, codeMark, code)
		rec, _ := send(s.Handler(), http.MethodPost, initPath, body, "Content-Type", contentType)

		want, kind := expectInit(body, contentType, code)
		if rec.Code != want.status {
			t.Fatalf("status %d, want %d: %s", rec.Code, want.status, rec.Body)
		}
		if rec.Code == http.StatusOK {
			checkChallengeAnswer(t, s, rec, kind, code)
		} else {
			e := checkEnvelope(t, rec)
			checkFixedError(t, e, want, "", "/credentialKind", "/code")
			if want.details != nil && !slices.Equal(e.Error.Details, want.details) {
				t.Errorf("details %+v, want %+v", e.Error.Details, want.details)
			}
			checkNoEcho(t, rec.Body.Bytes(), e, requestTokens(body, contentType), vocab)
		}
		checkRecords(t, s, rec.Code, code)
	})
}

// expectInit is what the documentation says init answers: 415 for a body
// that is not application/json, 413 over 64 KiB, 400 for anything but an
// object of exactly a known credentialKind and a non-empty code (with the
// detail for an empty body or malformed JSON), 401 for a code that is not
// the live one, else 200 with the kind.
func expectInit(body []byte, contentType, code string) (*apiError, dfns.CredentialKind) {
	mt, _, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil || mt != "application/json":
		return unsupportedMedia(), ""
	case len(body) > maxRequestBody:
		return bodyTooLarge(), ""
	case len(bytes.TrimSpace(body)) == 0:
		return invalidRequest(detail{Rule: ruleRequired}), ""
	case !json.Valid(body):
		return invalidRequest(detail{Rule: ruleJSON}), ""
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil || len(m) != 2 {
		return invalidRequest(), ""
	}
	kind, _ := m["credentialKind"].(string)
	got, _ := m["code"].(string)
	if !dfns.CredentialKind(kind).Valid() || got == "" {
		return invalidRequest(), ""
	}
	if got != code {
		return codeInvalid(""), ""
	}
	return &apiError{status: http.StatusOK}, dfns.CredentialKind(kind)
}

// checkChallengeAnswer checks a 200 of init: a challenge of kind that
// ParseChallengeStrict accepts, whose challengeIdentifier names a live
// challenge of the sandbox for that kind and user, and which does not hold
// the code.
func checkChallengeAnswer(t *testing.T, s *Sandbox, rec *httptest.ResponseRecorder, kind dfns.CredentialKind, code string) {
	t.Helper()
	checkHeaders(t, rec)
	checkContentLength(t, rec)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("200 with Content-Type %q", ct)
	}
	ch, err := dfns.ParseChallengeStrict(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("a 200 that is not a valid challenge: %v: %s", err, rec.Body)
	}
	if ch.Kind() != kind || ch.TemporaryAuthenticationToken() != ch.ChallengeIdentifier() {
		t.Errorf("a %s challenge for kind %s", ch.Kind(), kind)
	}
	issued, _, reason := s.lookupChallenge(ch.ChallengeIdentifier(), fixedTime)
	if reason != "" || issued.kind != kind || issued.userID != ch.User().ID {
		t.Errorf("challengeIdentifier: %+v, %s", issued, reason)
	}
	if strings.Contains(rec.Body.String(), code) {
		t.Errorf("the challenge holds the code: %s", rec.Body)
	}
}

// faultSeeds are fault specs: every example of the documentation and the
// unit tests, valid and not.
var faultSeeds = []string{
	"", " ", " , ", ",", "x", "status", "status=", "status=503", "status=403", "status=400", "status=599",
	"status=399", "status=600", "status=200", "status=+503", "status=0503", "status=LEAKED", "status=5O3",
	"rate-limit", "rate-limit=0", "rate-limit=2", "rate-limit=7", "rate-limit=3600", "rate-limit=3601",
	"rate-limit=-1", "rate-limit=x", "rate-limit=",
	"latency", "latency=", "latency=1ms", "latency=5ms", "latency=0s", "latency=-1s", "latency=31s", "latency=20s",
	"latency=1ns", "latency=LEAKED", "latency=1ms,latency=2ms", "latency=1ms,latency=1ms",
	"reset-before-body", "reset-after-body", "reset-after-body,latency=2ms", "reset-before-body,latency=1ms",
	"truncate", "truncate=1", "truncate=LEAKED", "truncate,", " latency=1ms , truncate ",
	"malformed", "oversized", "unknown-kind", "no-temporary-token", "malformed,oversized",
	"status=500,rate-limit", "latency=1ms, status=502", "latency=2ms,no-temporary-token", "bogus-LEAKED",
	"STATUS=503", "Latency=1ms", "status = 503", "status=503 ", "\tstatus=503\t", "status=503,,", "$CODE",
	"status=$CODE", "latency=1ms,$CODE",
}

// FuzzFaultHeader drives init with any X-Dfns-Sandbox-Fault header, on a
// sandbox with WithFaults, for a live or an unknown code. Invariants: no
// panic; a spec the documented grammar refuses is answered 400
// sandbox_fault_invalid, in the envelope, without echoing the spec, and
// does not consume the code; a valid one behaves as documented (latency
// first, then the status, the 429, the reset or the tampering, and the
// code consumed or not). Latencies over 10 ms are skipped to keep the runs
// fast; the resets go through a loopback server.
func FuzzFaultHeader(f *testing.F) {
	for i, spec := range faultSeeds {
		f.Add(spec, i%3 != 0)
	}
	network := newResetServer(f)
	vocab := vocabulary()
	f.Fuzz(func(t *testing.T, spec string, live bool) {
		s, code := fuzzSandbox(WithFaults())
		spec = strings.ReplaceAll(spec, codeMark, code)
		used := code
		if !live {
			used = "AAA-BBB-CCC"
		}
		model, valid := modelFault(spec)
		if valid && model.latency > maxFuzzLatency {
			t.Skip("latency over 10ms")
		}
		body := []byte(`{"credentialKind":"Key","code":"` + used + `"}`)
		var consumed bool
		if valid && (model.action == "reset-before-body" || model.action == "reset-after-body") {
			network.serve(t, s, spec, body)
			consumed = live && model.action == "reset-after-body"
			r := checkRecords(t, s, 0, code)
			if r.Fault != strings.TrimSpace(spec) {
				t.Errorf("recorded fault %q", r.Fault)
			}
		} else {
			rec, took := send(s.Handler(), http.MethodPost, initPath, body, "Content-Type", "application/json", FaultHeader, spec)
			if !valid {
				e := checkEnvelope(t, rec)
				checkFaultInvalid(t, e, spec, vocab, rec.Body.Bytes())
				if r := checkRecords(t, s, rec.Code, code); r.Fault != "" {
					t.Errorf("an invalid spec recorded as fault %q", r.Fault)
				}
			} else {
				if took < model.latency {
					t.Errorf("answered in %v, latency %v", took, model.latency)
				}
				consumed = checkFault(t, s, model, rec, live, code)
				if r := checkRecords(t, s, rec.Code, code); r.Fault != strings.TrimSpace(spec) {
					t.Errorf("recorded fault %q", r.Fault)
				}
			}
		}
		// Was the code consumed? A request without the header tells.
		rec, _ := send(s.Handler(), http.MethodPost, initPath, []byte(`{"credentialKind":"Key","code":"`+code+`"}`), "Content-Type", "application/json")
		if want := map[bool]int{true: http.StatusUnauthorized, false: http.StatusOK}[consumed]; rec.Code != want {
			t.Errorf("after the fault, the live code answers %d, want %d", rec.Code, want)
		}
	})
}

// mintSeeds are bodies of POST /auth/credentials/code (the clock is
// fixedTime, 2026-11-24T12:00:00Z).
var mintSeeds = []string{
	"", " ", "{}", "null", "[]", `["LEAK"]`, `"2026-11-24T12:30:00Z"`, `{"expiration":`, `{}]`, `{} {}`,
	`{"expiration":"2026-11-24T13:30:00+01:00"}`, `{"expiration":"2026-11-24T12:30:00.123456789Z"}`,
	`{"expiration":1795954290}`, `{"expiration":1795954290.5}`, `{"expiration":1.79595429e9}`,
	`{"expiration":"2026-11-24T11:59:59Z"}`, `{"expiration":"2026-11-25T12:00:01Z"}`, `{"expiration":"2026-11-25T12:00:00Z"}`,
	`{"expiration":1}`, `{"expiration":-1}`, `{"expiration":0}`, `{"expiration":1795000000000}`, `{"expiration":1e400}`,
	`{"expiration":"tomorrow SECRET"}`, `{"expiration":true}`, `{"expiration":null}`, `{"expiration":{}}`,
	`{"expiration":"2026-11-24T12:30:00Z","x":"LEAK"}`, `{"Expiration":"2026-11-24T12:30:00Z"}`,
	`{"expiration":"2026-11-24T12:30:00Z","expiration":"2026-11-24T11:00:00Z"}`,
	`{"expiration":"2026-11-24 12:30:00Z"}`, `{"expiration":"2026-11-24T12:30Z"}`, `{"expiration":"$CODE"}`,
	`{"code":"$CODE"}`, `{"expiration":"2026-11-24T12:00:00.0001Z"}`, `{"expiration":1795953600.0004}`,
	`{"expiration":"$HUGE"}`, `{"expiration":"2026-11-24T12:30:00Z"}$FILL`, `{"expiration":"2026-11-24T12:30:00Z"}$FILL]`,
}

// mintAuth are Authorization headers of the seeds.
var mintAuth = []string{"Bearer some-token", "", "Bearer", "Bearer  ", "Basic dXNlcjpwYXNz", "bearertoken", "bearer t", "Bearer $CODE"}

// FuzzMintRequest drives POST /auth/credentials/code with any body,
// Content-Type and Authorization. Invariants: no panic; the status is 200,
// 400, 401, 413 or 415, the one an independent reading of the
// documentation expects, with the expected detail for a 400; every other
// answer is the documented envelope and repeats no value of the request;
// a 200 is exactly a new code and the expected expiration, and the code
// redeems; no record holds a code or the bearer token.
func FuzzMintRequest(f *testing.F) {
	for i, body := range mintSeeds {
		ct := "application/json"
		if i%5 == 4 {
			ct = []string{"", "text/plain", "application/json; charset=utf-8"}[i%3]
		}
		f.Add([]byte(body), ct, mintAuth[i%len(mintAuth)])
		f.Add([]byte(body), ct, "Bearer some-token")
	}
	vocab := vocabulary()
	f.Fuzz(func(t *testing.T, body []byte, contentType, auth string) {
		s, code := fuzzSandbox()
		body = expand(body, code)
		contentType = strings.ReplaceAll(contentType, codeMark, code)
		auth = strings.ReplaceAll(auth, codeMark, code)
		rec, _ := send(s.Handler(), http.MethodPost, mintPath, body, "Content-Type", contentType, "Authorization", auth)

		want, wantDetail, expires := expectMint(body, contentType, auth)
		if rec.Code != want.status {
			t.Fatalf("status %d, want %d: %s", rec.Code, want.status, rec.Body)
		}
		token, _ := bearerToken(auth)
		if strings.Contains(string(body), token) || strings.Contains(contentType, token) {
			token = "" // recorded with the body or the headers, as documented
		}
		if rec.Code != http.StatusOK {
			e := checkEnvelope(t, rec)
			checkFixedError(t, e, want, "", "/expiration")
			if want.id == idRequestInvalid && (len(e.Error.Details) != 1 || e.Error.Details[0] != wantDetail) {
				t.Errorf("details %+v, want %+v", e.Error.Details, wantDetail)
			}
			checkNoEcho(t, rec.Body.Bytes(), e, requestTokens(body, contentType, auth), vocab)
			checkRecords(t, s, rec.Code, code, token)
			return
		}
		checkHeaders(t, rec)
		checkContentLength(t, rec)
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got) != 2 || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("mint answered %q (%v)", rec.Body, err)
		}
		if !mintedCode.MatchString(got["code"]) || got["code"] == code {
			t.Errorf("minted code %q", got["code"])
		}
		if w := expires.UTC().Format(expirationLayout); got["expiration"] != w {
			t.Errorf("expiration %q, want %q", got["expiration"], w)
		}
		checkRecords(t, s, rec.Code, code, got["code"], token)
		redeem, _ := send(s.Handler(), http.MethodPost, initPath, []byte(`{"credentialKind":"Key","code":"`+got["code"]+`"}`), "Content-Type", "application/json")
		if redeem.Code != http.StatusOK {
			t.Errorf("the minted code answers %d", redeem.Code)
		}
	})
}

// mintedCode is the documented shape of a code.
var mintedCode = regexp.MustCompile(`^[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}$`)

// expectMint is what the documentation says mint answers: 401 without a
// non-empty bearer token, 415 for a body that is not application/json, 413
// over 64 KiB, 400 with one detail for a body that is not an object with
// at most an expiration (an RFC 3339 string or Unix seconds) in the future
// and at most 24 hours ahead, else 200 with that expiration (or now plus
// the code TTL), to the millisecond.
func expectMint(body []byte, contentType, auth string) (*apiError, detail, time.Time) {
	now := fixedTime
	scheme, token, _ := strings.Cut(strings.TrimSpace(auth), " ")
	mt, _, mtErr := mime.ParseMediaType(contentType)
	bad := func(pointer, rule string) (*apiError, detail, time.Time) {
		d := detail{Pointer: pointer, Rule: rule}
		return invalidRequest(d), d, time.Time{}
	}
	switch {
	case !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "":
		return unauthorized(), detail{}, time.Time{}
	case len(body) > 0 && (mtErr != nil || mt != "application/json"):
		return unsupportedMedia(), detail{}, time.Time{}
	case len(body) > maxRequestBody:
		return bodyTooLarge(), detail{}, time.Time{}
	case len(bytes.TrimSpace(body)) == 0:
		return &apiError{status: http.StatusOK}, detail{}, now.Add(DefaultCodeTTL)
	case !json.Valid(body):
		return bad("", ruleJSON)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v)
	m, ok := v.(map[string]any)
	if !ok {
		return bad("", ruleType)
	}
	for k := range m {
		if k != "expiration" {
			return bad("", ruleAddProps)
		}
	}
	var exp time.Time
	switch x := m["expiration"].(type) {
	case nil:
		if _, present := m["expiration"]; present {
			return bad("/expiration", ruleType)
		}
		return &apiError{status: http.StatusOK}, detail{}, now.Add(DefaultCodeTTL)
	case string:
		t, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return bad("/expiration", ruleFormat)
		}
		exp = t
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.Abs(f) > 1e12 {
			return bad("/expiration", ruleMaximum)
		}
		sec, frac := math.Modf(f)
		exp = time.Unix(int64(sec), int64(frac*1e9))
	default:
		return bad("/expiration", ruleType)
	}
	exp = exp.Truncate(time.Millisecond)
	switch {
	case !exp.After(now):
		return bad("/expiration", ruleMinimum)
	case exp.After(now.Add(24 * time.Hour)):
		return bad("/expiration", ruleMaximum)
	}
	return &apiError{status: http.StatusOK}, detail{}, exp
}
