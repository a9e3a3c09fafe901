package dfns

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodedFields are the JSON names ParseChallenge decodes into Go structs, at
// any level. encoding/json matches struct fields case-insensitively (with
// Unicode simple folding: "\u212aind", with a KELVIN SIGN, is "kind"), so a
// body holding a case variant of one of these besides (or instead of) the
// real key decodes differently as a struct than as the map[string]any the
// spec's validators see.
var decodedFields = []string{
	"kind", "challengeIdentifier", "user", "rp", "temporaryAuthenticationToken", "challenge",
	"authenticatorSelection", "attestation", "pubKeyCredParams", "excludeCredentials", "otpUrl",
	"id", "displayName", "name", "type", "alg",
	"authenticatorAttachment", "residentKey", "requireResidentKey", "userVerification",
}

// decodeGap says why the default ParseChallenge may disagree with the
// spec's validators on a body, or "" when it may not. ParseChallenge decodes
// with encoding/json's rules, as its doc says, and two shapes of body read
// differently there than as the map[string]any the spec's validators see:
//
//   - a key that is a case variant of a field ParseChallenge decodes
//     ({"kind":"Key",…,"Kind":"Fido2"} is a valid Key challenge for the spec,
//     decoded as a Fido2Challenge; "Challenge":5 beside "challenge" is an
//     unknown property for the spec, a type error for ParseChallenge);
//   - a duplicated key whose earlier value has the wrong type
//     ({"challenge":5,"challenge":"x"}: the spec's validators see the last
//     value, encoding/json reports the type error of the first).
//
// ParseChallengeStrict builds from the validated tree and has no such gap.
func decodeGap(data []byte) string {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	type frame struct {
		object bool
		keys   map[string]bool
		expect bool // the next token in an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return "" // io.EOF, or not JSON (then not a strict-valid body)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expect {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].expect = true
				}
				continue
			}
			key := tok.(string)
			if top.keys[key] {
				return fmt.Sprintf("duplicate key %q", key)
			}
			top.keys[key] = true
			for _, f := range decodedFields {
				if key != f && strings.EqualFold(key, f) {
					return fmt.Sprintf("key %q is a case variant of %q", key, f)
				}
			}
			top.expect = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, expect: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: the enclosing object expects a key again.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].expect = true
		}
	}
}

func TestDecodeGap(t *testing.T) {
	for body, want := range map[string]bool{
		`{"kind":"Key","a":{"b":[1,{"c":2}]},"d":3}`:       false,
		`{"kind":"Key","Kind":"Fido2"}`:                    true,
		`{"user":{"id":"u","ID":5}}`:                       true,
		`{"a":[{"x":1},{"x":2}]}`:                          false,
		`{"a":{"x":1,"x":2}}`:                              true,
		`{"\u212aind":"Key"}`:                              true,
		`{"challenge":5,"challenge":"x"}`:                  true,
		`{"kindred":1,"Users":2}`:                          false,
		`{"a":{},"b":[],"c":{"d":{}},"e":[[],[{}]],"f":1}`: false,
	} {
		if got := decodeGap([]byte(body)) != ""; got != want {
			t.Errorf("decodeGap(%s) = %v, want %v", body, got, want)
		}
	}
}

// concreteKind is the kind a Challenge's concrete type stands for.
func concreteKind(ch Challenge) CredentialKind {
	switch ch.(type) {
	case *Fido2Challenge:
		return CredentialKindFido2
	case *KeyChallenge:
		return CredentialKindKey
	case *PasswordProtectedKeyChallenge:
		return CredentialKindPasswordProtectedKey
	case *RecoveryKeyChallenge:
		return CredentialKindRecoveryKey
	case *PasswordChallenge:
		return CredentialKindPassword
	case *TotpChallenge:
		return CredentialKindTotp
	}
	return ""
}

// checkParsed checks a Challenge ParseChallenge built from a body the spec
// accepts: the concrete type of its kind and the common fields as decoded.
func checkParsed(ch Challenge, body map[string]any) error {
	kind := CredentialKind(body["kind"].(string))
	if got := concreteKind(ch); got != kind {
		return fmt.Errorf("got %T for kind %s", ch, kind)
	}
	if ch.Kind() != kind {
		return fmt.Errorf("Kind() = %q, want %q", ch.Kind(), kind)
	}
	if got, want := ch.ChallengeIdentifier(), body["challengeIdentifier"].(string); got != want {
		return fmt.Errorf("ChallengeIdentifier() = %q, want %q", got, want)
	}
	u := body["user"].(map[string]any)
	if got, want := ch.User(), (User{ID: u["id"].(string), DisplayName: u["displayName"].(string), Name: u["name"].(string)}); got != want {
		return fmt.Errorf("User() = %+v, want %+v", got, want)
	}
	_, hasRP := body["rp"]
	if _, got := ch.RelyingParty(); got != hasRP {
		return fmt.Errorf("RelyingParty() present = %v, want %v", got, hasRP)
	}
	return nil
}

// TestStrictAcceptedImpliesParseChallenge: strict validation is the stricter
// of the two. Every body validateStrict accepts, ParseChallenge and
// ParseChallengeStrict decode into the concrete type of its kind.
func TestStrictAcceptedImpliesParseChallenge(t *testing.T) {
	var accepted, gaps int
	for _, b := range diffCorpus(t) {
		if validateStrict(b.data) != nil {
			continue
		}
		accepted++
		var body map[string]any
		if err := json.Unmarshal(b.data, &body); err != nil {
			t.Fatalf("%s: strict accepted a body that is not an object: %v", b.name, err)
		}
		chs, err := ParseChallengeStrict(b.data)
		if err != nil {
			t.Errorf("%s: accepted by validateStrict, but ParseChallengeStrict: %v\nbody: %s", b.name, err, snippet(b.data))
		} else if err := checkParsed(chs, body); err != nil {
			t.Errorf("%s: accepted by validateStrict, but ParseChallengeStrict: %v\nbody: %s", b.name, err, snippet(b.data))
		}
		var problem string
		ch, err := ParseChallenge(b.data)
		if err != nil {
			problem = err.Error()
		} else if err := checkParsed(ch, body); err != nil {
			problem = err.Error()
		}
		if problem == "" {
			continue
		}
		if gap := decodeGap(b.data); gap != "" {
			gaps++ // encoding/json's key matching, documented on ParseChallenge
			continue
		}
		t.Errorf("%s: accepted by validateStrict, but ParseChallenge: %s\nbody: %s", b.name, problem, snippet(b.data))
	}
	t.Logf("%d bodies accepted by validateStrict; ParseChallenge reads %d of them by encoding/json's key rules", accepted, gaps)
	if accepted < 100 {
		t.Errorf("only %d accepted bodies: the corpus lost its valid bodies", accepted)
	}
}

// jsonKind is the JSON type of a value decoded into an any.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// resolvePointer resolves a JSON pointer (RFC 6901) in a decoded body.
func resolvePointer(root any, ptr string) (any, bool) {
	if ptr == "" {
		return root, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	v := root
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) || strconv.Itoa(i) != tok {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// checkValidationError checks that err is what ParseChallengeStrict must
// return for an invalid body: a *DecodeError when the body is not JSON, else
// a *ValidationError whose Path is a JSON pointer into the body and whose
// Rule is really broken there.
func checkValidationError(data []byte, err error) error {
	if err == nil {
		return errors.New("no error")
	}
	var body any
	if jerr := json.Unmarshal(data, &body); jerr != nil {
		var de *DecodeError
		if !errors.As(err, &de) {
			return fmt.Errorf("body is not JSON (%v): got %T %v, want a *DecodeError", jerr, err, err)
		}
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("got %T %v, want a *ValidationError", err, err)
	}
	if ve.In != "response" {
		return fmt.Errorf("In = %q, want response", ve.In)
	}
	if ve.Path != "" && !strings.HasPrefix(ve.Path, "/") {
		return fmt.Errorf("Path %q is not a JSON pointer", ve.Path)
	}
	parentPtr := ""
	if i := strings.LastIndex(ve.Path, "/"); i > 0 {
		parentPtr = ve.Path[:i]
	}
	if _, ok := resolvePointer(body, parentPtr); !ok {
		return fmt.Errorf("Path %q: its parent is not in the body", ve.Path)
	}
	v, present := resolvePointer(body, ve.Path)
	switch ve.Rule {
	case RuleRequired:
		if present {
			return fmt.Errorf("Path %q: required, but it is present", ve.Path)
		}
		return nil
	case RuleType, RuleEnum, RuleMinLength, RuleMaxLength, RulePattern:
		if !present {
			return fmt.Errorf("Path %q (%s): not in the body", ve.Path, ve.Rule)
		}
	default:
		return fmt.Errorf("unknown Rule %q", ve.Rule)
	}
	s, isString := v.(string)
	switch ve.Rule {
	case RuleType:
		if jsonKind(v) == ve.Want {
			return fmt.Errorf("Path %q: type error, but it is a %s", ve.Path, ve.Want)
		}
	case RuleEnum:
		if !isString || !strings.HasPrefix(ve.Want, "one of ") || slices.Contains(strings.Split(strings.TrimPrefix(ve.Want, "one of "), ", "), s) {
			return fmt.Errorf("Path %q: enum error (%s) on %s value", ve.Path, ve.Want, jsonKind(v))
		}
	case RuleMinLength, RuleMaxLength:
		n, err := strconv.Atoi(ve.Want)
		if !isString || err != nil {
			return fmt.Errorf("Path %q: %s (%s) on %s value", ve.Path, ve.Rule, ve.Want, jsonKind(v))
		}
		l := utf8.RuneCountInString(s)
		if ve.Rule == RuleMinLength && l >= n || ve.Rule == RuleMaxLength && l <= n {
			return fmt.Errorf("Path %q: %s %d, but the length is %d", ve.Path, ve.Rule, n, l)
		}
	case RulePattern:
		if !isString || credentialIDPattern.MatchString(s) {
			return fmt.Errorf("Path %q: pattern error, but the value matches", ve.Path)
		}
	}
	return nil
}

// TestStrictErrorPaths: for every body strict rejects, ParseChallengeStrict's
// error is a *DecodeError (not JSON) or a *ValidationError that points at a
// place in the body where its rule is broken.
func TestStrictErrorPaths(t *testing.T) {
	var rejected int
	for _, b := range diffCorpus(t) {
		if validateStrict(b.data) == nil {
			continue
		}
		rejected++
		_, err := ParseChallengeStrict(b.data)
		if err := checkValidationError(b.data, err); err != nil {
			t.Errorf("%s: %v\nbody: %s", b.name, err, snippet(b.data))
		}
	}
	// The files, by name, whatever the verdict machinery says.
	files, err := filepath.Glob(filepath.Join(corpusDir, "invalid", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid files: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, perr := ParseChallengeStrict(data)
		if err := checkValidationError(data, perr); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	t.Logf("%d rejected bodies checked, %d invalid files", rejected, len(files))
}

// baseBody reads a valid base body of the corpus.
func baseBody(t *testing.T, kind CredentialKind) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, "valid", baseFiles[kind]))
	if err != nil {
		t.Fatal(err)
	}
	return decodeAny(t, data)
}

// TestStrictRules: each rule of strict.go, at top level and nested, gives the
// expected path, rule and want.
func TestStrictRules(t *testing.T) {
	long := "cr-6uunn-bm6ja-" + strings.Repeat("a", 50)
	cases := []struct {
		name      string
		kind      CredentialKind
		path      jsonPath
		edit      func(any) any
		wantPath  string
		wantRule  string
		wantWant  string // checked when not empty
		rawBody   string // used instead of kind/path/edit when set
		wantNoErr bool
	}{
		// required
		{name: "kind missing", kind: CredentialKindKey, path: jsonPath{"kind"}, edit: setTo(del), wantPath: "/kind", wantRule: RuleRequired},
		{name: "user missing", kind: CredentialKindKey, path: jsonPath{"user"}, edit: setTo(del), wantPath: "/user", wantRule: RuleRequired},
		{name: "user name missing", kind: CredentialKindFido2, path: jsonPath{"user", "name"}, edit: setTo(del), wantPath: "/user/name", wantRule: RuleRequired},
		{name: "challengeIdentifier missing", kind: CredentialKindPassword, path: jsonPath{"challengeIdentifier"}, edit: setTo(del), wantPath: "/challengeIdentifier", wantRule: RuleRequired},
		{name: "challenge missing", kind: CredentialKindPasswordProtectedKey, path: jsonPath{"challenge"}, edit: setTo(del), wantPath: "/challenge", wantRule: RuleRequired},
		{name: "otpUrl missing", kind: CredentialKindTotp, path: jsonPath{"otpUrl"}, edit: setTo(del), wantPath: "/otpUrl", wantRule: RuleRequired},
		{name: "temporaryAuthenticationToken missing", kind: CredentialKindRecoveryKey, path: jsonPath{"temporaryAuthenticationToken"}, edit: setTo(del), wantPath: "/temporaryAuthenticationToken", wantRule: RuleRequired},
		{name: "rp name missing", kind: CredentialKindFido2, path: jsonPath{"rp", "name"}, edit: setTo(del), wantPath: "/rp/name", wantRule: RuleRequired},
		{name: "residentKey missing", kind: CredentialKindFido2, path: jsonPath{"authenticatorSelection", "residentKey"}, edit: setTo(del), wantPath: "/authenticatorSelection/residentKey", wantRule: RuleRequired},
		{name: "excludeCredentials id missing", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo(del), wantPath: "/excludeCredentials/0/id", wantRule: RuleRequired},
		{name: "alg missing", kind: CredentialKindFido2, path: jsonPath{"pubKeyCredParams", 1, "alg"}, edit: setTo(del), wantPath: "/pubKeyCredParams/1/alg", wantRule: RuleRequired},
		{name: "Kind is not kind", rawBody: `{"Kind":"Password","user":{"id":"u","displayName":"d","name":"n"},"challengeIdentifier":"c","temporaryAuthenticationToken":"t"}`, wantPath: "/kind", wantRule: RuleRequired},
		// optional
		{name: "rp optional", kind: CredentialKindKey, path: jsonPath{"rp"}, edit: setTo(del), wantNoErr: true},
		{name: "authenticatorAttachment optional", kind: CredentialKindFido2, path: jsonPath{"authenticatorSelection", "authenticatorAttachment"}, edit: setTo(del), wantNoErr: true},
		{name: "unknown properties allowed", kind: CredentialKindFido2, path: jsonPath{"authenticatorSelection", "hints"}, edit: setTo([]any{"x"}), wantNoErr: true},
		// type
		{name: "body is an array", rawBody: `[]`, wantPath: "", wantRule: RuleType, wantWant: "object"},
		{name: "body is null", rawBody: `null`, wantPath: "", wantRule: RuleType, wantWant: "object"},
		{name: "kind is a number", kind: CredentialKindKey, path: jsonPath{"kind"}, edit: setTo(1.0), wantPath: "/kind", wantRule: RuleType, wantWant: "string"},
		{name: "kind is null", kind: CredentialKindKey, path: jsonPath{"kind"}, edit: setTo(nil), wantPath: "/kind", wantRule: RuleType, wantWant: "string"},
		{name: "user is a string", kind: CredentialKindKey, path: jsonPath{"user"}, edit: setTo("u"), wantPath: "/user", wantRule: RuleType, wantWant: "object"},
		{name: "user id is a number", kind: CredentialKindTotp, path: jsonPath{"user", "id"}, edit: setTo(1.0), wantPath: "/user/id", wantRule: RuleType, wantWant: "string"},
		{name: "rp is null", kind: CredentialKindKey, path: jsonPath{"rp"}, edit: setTo(nil), wantPath: "/rp", wantRule: RuleType, wantWant: "object"},
		{name: "challenge is null", kind: CredentialKindKey, path: jsonPath{"challenge"}, edit: setTo(nil), wantPath: "/challenge", wantRule: RuleType, wantWant: "string"},
		{name: "alg is a string", kind: CredentialKindKey, path: jsonPath{"pubKeyCredParams", 1, "alg"}, edit: setTo("-8"), wantPath: "/pubKeyCredParams/1/alg", wantRule: RuleType, wantWant: "number"},
		{name: "alg is a fraction", kind: CredentialKindKey, path: jsonPath{"pubKeyCredParams", 1, "alg"}, edit: setTo(1.5), wantNoErr: true},
		{name: "params item is a string", kind: CredentialKindKey, path: jsonPath{"pubKeyCredParams", 0}, edit: setTo("public-key"), wantPath: "/pubKeyCredParams/0", wantRule: RuleType, wantWant: "object"},
		{name: "pubKeyCredParams is an object", kind: CredentialKindRecoveryKey, path: jsonPath{"pubKeyCredParams"}, edit: setTo(map[string]any{}), wantPath: "/pubKeyCredParams", wantRule: RuleType, wantWant: "array"},
		{name: "excludeCredentials is null", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials"}, edit: setTo(nil), wantPath: "/excludeCredentials", wantRule: RuleType, wantWant: "array"},
		{name: "requireResidentKey is a string", kind: CredentialKindFido2, path: jsonPath{"authenticatorSelection", "requireResidentKey"}, edit: setTo("true"), wantPath: "/authenticatorSelection/requireResidentKey", wantRule: RuleType, wantWant: "boolean"},
		{name: "excludeCredentials id is a number", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo(1.0), wantPath: "/excludeCredentials/0/id", wantRule: RuleType, wantWant: "string"},
		{name: "residentKey is a boolean", kind: CredentialKindFido2, path: jsonPath{"authenticatorSelection", "residentKey"}, edit: setTo(true), wantPath: "/authenticatorSelection/residentKey", wantRule: RuleType, wantWant: "string"},
		// enum
		{name: "kind unknown", kind: CredentialKindKey, path: jsonPath{"kind"}, edit: setTo("Passkey"), wantPath: "/kind", wantRule: RuleEnum, wantWant: "one of Fido2, Key, Password, Totp, RecoveryKey, PasswordProtectedKey"},
		{name: "kind in the wrong case", kind: CredentialKindFido2, path: jsonPath{"kind"}, edit: setTo("fido2"), wantPath: "/kind", wantRule: RuleEnum},
		{name: "attestation unknown", kind: CredentialKindKey, path: jsonPath{"attestation"}, edit: setTo("self"), wantPath: "/attestation", wantRule: RuleEnum, wantWant: "one of none, indirect, direct, enterprise"},
		{name: "residentKey unknown", kind: CredentialKindFido2, path: jsonPath{"authenticatorSelection", "residentKey"}, edit: setTo("mandatory"), wantPath: "/authenticatorSelection/residentKey", wantRule: RuleEnum, wantWant: "one of required, preferred, discouraged"},
		{name: "userVerification unknown", kind: CredentialKindFido2, path: jsonPath{"authenticatorSelection", "userVerification"}, edit: setTo("Required"), wantPath: "/authenticatorSelection/userVerification", wantRule: RuleEnum},
		{name: "authenticatorAttachment unknown", kind: CredentialKindFido2, path: jsonPath{"authenticatorSelection", "authenticatorAttachment"}, edit: setTo("hybrid"), wantPath: "/authenticatorSelection/authenticatorAttachment", wantRule: RuleEnum, wantWant: "one of platform, cross-platform"},
		{name: "params type unknown", kind: CredentialKindPasswordProtectedKey, path: jsonPath{"pubKeyCredParams", 0, "type"}, edit: setTo("secret-key"), wantPath: "/pubKeyCredParams/0/type", wantRule: RuleEnum, wantWant: "one of public-key"},
		{name: "excludeCredentials type unknown", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "type"}, edit: setTo("private-key"), wantPath: "/excludeCredentials/0/type", wantRule: RuleEnum, wantWant: "one of public-key"},
		// minLength, maxLength, pattern
		{name: "id empty", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo(""), wantPath: "/excludeCredentials/0/id", wantRule: RuleMinLength, wantWant: "1"},
		{name: "id 65 chars", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo(long), wantPath: "/excludeCredentials/0/id", wantRule: RuleMaxLength, wantWant: "64"},
		{name: "id 65 runes", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo(strings.Repeat("é", 65)), wantPath: "/excludeCredentials/0/id", wantRule: RuleMaxLength, wantWant: "64"},
		{name: "id 64 runes, 128 bytes", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo(strings.Repeat("é", 64)), wantPath: "/excludeCredentials/0/id", wantRule: RulePattern},
		{name: "id uppercase", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo("cr-6UUNN-bm6ja-f6rmod5kqrk5rbel"), wantPath: "/excludeCredentials/0/id", wantRule: RulePattern, wantWant: credentialIDPattern.String()},
		{name: "id trailing newline", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo("cr-6uunn-bm6ja-f6rmod5kqrk5rbel\n"), wantPath: "/excludeCredentials/0/id", wantRule: RulePattern},
		{name: "id 13 trailing", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo("cr-6uunn-bm6ja-f6rmod5kqrk5r"), wantPath: "/excludeCredentials/0/id", wantRule: RulePattern},
		{name: "id 14 trailing", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo("cr-6uunn-bm6ja-f6rmod5kqrk5rb"), wantNoErr: true},
		{name: "id 16 trailing", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo("cr-6uunn-bm6ja-f6rmod5kqrk5rbel"), wantNoErr: true},
		{name: "id 17 trailing", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials", 0, "id"}, edit: setTo("cr-6uunn-bm6ja-f6rmod5kqrk5rbelx"), wantPath: "/excludeCredentials/0/id", wantRule: RulePattern},
		{name: "second id bad", kind: CredentialKindFido2, path: jsonPath{"excludeCredentials"}, edit: func(v any) any {
			return append(v.([]any), map[string]any{"type": "public-key", "id": "cr-x"})
		}, wantPath: "/excludeCredentials/1/id", wantRule: RulePattern},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.rawBody)
			if c.rawBody == "" {
				data = mustMarshal(t, edit(baseBody(t, c.kind), c.path, c.edit))
			}
			err := validateStrict(data)
			if c.wantNoErr {
				if err != nil {
					t.Fatalf("validateStrict: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("validateStrict: got %T %v, want a *ValidationError", err, err)
			}
			if ve.In != "response" || ve.Path != c.wantPath || ve.Rule != c.wantRule || (c.wantWant != "" && ve.Want != c.wantWant) {
				t.Errorf("got %+v, want path %q rule %q want %q", *ve, c.wantPath, c.wantRule, c.wantWant)
			}
			// ParseChallengeStrict returns the same error.
			if _, err := ParseChallengeStrict(data); !reflect.DeepEqual(err, error(ve)) {
				t.Errorf("ParseChallengeStrict: %v, want %v", err, ve)
			}
		})
	}
}

// TestStrictRulePrimitives tests the rule builders alone.
func TestStrictRulePrimitives(t *testing.T) {
	type tc struct {
		v        any
		wantRule string // "" for no error
	}
	run := func(t *testing.T, c check, cases []tc) {
		t.Helper()
		for _, x := range cases {
			err := c("/p", x.v)
			switch {
			case x.wantRule == "" && err != nil:
				t.Errorf("%#v: %v", x.v, err)
			case x.wantRule != "" && (err == nil || err.Rule != x.wantRule || err.Path != "/p"):
				t.Errorf("%#v: got %v, want rule %s at /p", x.v, err, x.wantRule)
			}
		}
	}
	t.Run("str counts code points", func(t *testing.T) {
		run(t, str(2, 3, nil), []tc{
			{"a", RuleMinLength}, {"é", RuleMinLength}, {"🙂", RuleMinLength},
			{"ab", ""}, {"ééé", ""}, {"🙂🙂🙂", ""}, // 6 and 12 bytes
			{"abcd", RuleMaxLength}, {"éééé", RuleMaxLength},
			{"\xff\xfe", ""}, // two invalid bytes: two runes (decoding never yields these)
			{5.0, RuleType}, {nil, RuleType},
		})
	})
	t.Run("str unbounded", func(t *testing.T) {
		run(t, anyString, []tc{{"", ""}, {strings.Repeat("x", 1<<16), ""}, {false, RuleType}, {map[string]any{}, RuleType}})
	})
	t.Run("pattern is anchored at both ends", func(t *testing.T) {
		run(t, str(1, 64, credentialIDPattern), []tc{
			{"cr-aaaaa-bbbbb-cccccccccccccc", ""},
			{"cr-aaaaa-bbbbb-cccccccccccccccc", ""},
			{"cr-aaaaa-bbbbb-cccccccccccccc\n", RulePattern},
			{"x cr-aaaaa-bbbbb-cccccccccccccc", RulePattern},
			{"cr-aaaaa-bbbbb-cccccccccccccccccc", RulePattern},
		})
	})
	t.Run("enum", func(t *testing.T) {
		run(t, enum(CredentialKinds()...), []tc{{"Fido2", ""}, {"Totp", ""}, {"fido2", RuleEnum}, {"", RuleEnum}, {1.0, RuleType}, {nil, RuleType}})
	})
	t.Run("number", func(t *testing.T) {
		run(t, number, []tc{{-7.0, ""}, {1.5, ""}, {"1", RuleType}, {json.Number("1"), RuleType}, {nil, RuleType}})
	})
	t.Run("boolean", func(t *testing.T) {
		run(t, boolean, []tc{{true, ""}, {false, ""}, {"false", RuleType}, {0.0, RuleType}})
	})
	t.Run("array paths", func(t *testing.T) {
		c := array(number)
		if err := c("/a", []any{1.0, 2.0, "x"}); err == nil || err.Path != "/a/2" || err.Rule != RuleType {
			t.Errorf("got %v, want a type error at /a/2", err)
		}
		if err := c("/a", []any{}); err != nil {
			t.Errorf("empty array: %v", err)
		}
		if err := c("/a", map[string]any{}); err == nil || err.Path != "/a" {
			t.Errorf("object: got %v, want a type error at /a", err)
		}
	})
	t.Run("object paths", func(t *testing.T) {
		c := object(req("r", anyString), opt("o", object(req("n", number))))
		for _, x := range []struct {
			v              any
			path, wantRule string
		}{
			{map[string]any{"r": "x"}, "", ""},
			{map[string]any{}, "/r", RuleRequired},
			{map[string]any{"r": nil}, "/r", RuleType},
			{map[string]any{"r": "x", "o": map[string]any{}}, "/o/n", RuleRequired},
			{map[string]any{"r": "x", "o": map[string]any{"n": "1"}}, "/o/n", RuleType},
			{map[string]any{"r": "x", "R": 1.0, "extra": nil}, "", ""},
			{[]any{}, "", RuleType},
		} {
			err := c("", x.v)
			if x.wantRule == "" {
				if err != nil {
					t.Errorf("%v: %v", x.v, err)
				}
				continue
			}
			if err == nil || err.Path != x.path || err.Rule != x.wantRule {
				t.Errorf("%v: got %v, want %s at %q", x.v, err, x.wantRule, x.path)
			}
		}
	})
}

// TestStrictDecodeError: a body that is not JSON is a *DecodeError, with no
// response metadata.
func TestStrictDecodeError(t *testing.T) {
	for _, body := range []string{"", "{", "<html>", `{"kind":"Key"} x`, "\xef\xbb\xbf{}", `{"alg":1e400}`} {
		err := validateStrict([]byte(body))
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%q: got %T %v, want a *DecodeError", body, err, err)
			continue
		}
		if de.StatusCode != 0 || de.ContentType != "" || de.Err == nil {
			t.Errorf("%q: %+v", body, de)
		}
	}
}
