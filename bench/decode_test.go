//lint:file-ignore SA1019 the benchmarks decode every kind the sandbox answers, the deprecated Password and Totp included.

package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// The decode paths, in the order the report shows them. Each turns the wire
// bytes of a 200 answer into something a caller can use, and fails the
// benchmark if the body is refused.
const (
	pathParse         = "dfns.ParseChallenge"
	pathStrict        = "dfns.ParseChallengeStrict"
	pathGenDiscrim    = "gen.Parse+ValueByDiscriminator"
	pathGenAs         = "gen.Parse+As"
	pathTagged        = "json.Unmarshal-tagged"
	pathMap           = "json.Unmarshal-map"
	pathKinBuiltin    = "kin.VisitJSON-builtin"
	pathKinSchema2020 = "kin.VisitJSON-2020-per-call"
)

// replayBody is a response body that can be rewound: the generated path
// reads an *http.Response, and the benchmark must not charge it for building
// one per iteration.
type replayBody struct{ bytes.Reader }

// Close implements io.Closer.
func (*replayBody) Close() error { return nil }

// taggedDecoders are the single-pass floors: one json.Unmarshal into the
// generated struct of the kind, which has exactly the kind's fields.
var taggedDecoders = map[dfns.CredentialKind]func([]byte) error{
	dfns.CredentialKindFido2:                func(b []byte) error { var v gen.Fido2Challenge; return json.Unmarshal(b, &v) },
	dfns.CredentialKindKey:                  func(b []byte) error { var v gen.KeyChallenge; return json.Unmarshal(b, &v) },
	dfns.CredentialKindPasswordProtectedKey: func(b []byte) error { var v gen.PasswordProtectedKeyChallenge; return json.Unmarshal(b, &v) },
	dfns.CredentialKindRecoveryKey:          func(b []byte) error { var v gen.RecoveryKeyChallenge; return json.Unmarshal(b, &v) },
	dfns.CredentialKindPassword:             func(b []byte) error { var v gen.PasswordChallenge; return json.Unmarshal(b, &v) },
	dfns.CredentialKindTotp:                 func(b []byte) error { var v gen.TotpChallenge; return json.Unmarshal(b, &v) },
}

// asKind is the generated As<Kind> of each kind: what a caller who already
// knows the kind (they asked for it) writes instead of ValueByDiscriminator.
var asKind = map[dfns.CredentialKind]func(gen.CredentialChallenge) error{
	dfns.CredentialKindFido2: func(c gen.CredentialChallenge) error { _, err := c.AsFido2Challenge(); return err },
	dfns.CredentialKindKey:   func(c gen.CredentialChallenge) error { _, err := c.AsKeyChallenge(); return err },
	dfns.CredentialKindPasswordProtectedKey: func(c gen.CredentialChallenge) error {
		_, err := c.AsPasswordProtectedKeyChallenge()
		return err
	},
	dfns.CredentialKindRecoveryKey: func(c gen.CredentialChallenge) error { _, err := c.AsRecoveryKeyChallenge(); return err },
	dfns.CredentialKindPassword:    func(c gen.CredentialChallenge) error { _, err := c.AsPasswordChallenge(); return err },
	dfns.CredentialKindTotp:        func(c gen.CredentialChallenge) error { _, err := c.AsTotpChallenge(); return err },
}

// decodeSlice is the length of one path's turn in BenchmarkDecode.
const decodeSlice = 10 * time.Millisecond

// BenchmarkDecode decodes and validates each kind's body along every path,
// the paths taking turns (see interleave): PATH-ns/op, PATH-B/op and
// PATH-allocs/op for each path, and body-bytes, the body's size.
func BenchmarkDecode(b *testing.B) {
	for _, kind := range kinds {
		b.Run("kind="+string(kind), func(b *testing.B) {
			data := body(b, kind)
			interleave(b, interleaveOptions{goroutines: 1, slice: decodeSlice}, decodeContenders(kind, data))
			b.ReportMetric(float64(len(data)), "body-bytes")
		})
	}
}

// decodeContenders are the decode paths for kind's body.
func decodeContenders(kind dfns.CredentialKind, data []byte) []contender {
	rb := &replayBody{}
	resp := &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       rb,
	}
	parse := func() (gen.CredentialChallenge, error) {
		rb.Reset(data)
		r, err := gen.ParseCreateCredentialChallengeWithCodeResponse(resp)
		if err != nil {
			return gen.CredentialChallenge{}, err
		}
		return *r.JSON200, nil
	}
	as, tagged := asKind[kind], taggedDecoders[kind]
	// The spec is loaded on first use, so that profiling another path does
	// not count loading it.
	var s *openapi3.Schema
	kin := func(opts ...openapi3.SchemaValidationOption) error {
		if s == nil {
			var err error
			if s, err = loadSchema(); err != nil {
				return err
			}
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			return err
		}
		return s.VisitJSON(doc, opts...)
	}
	return []contender{
		{pathParse, func() error {
			ch, err := dfns.ParseChallenge(data)
			if err == nil && ch.Kind() != kind {
				err = fmt.Errorf("got %s", ch.Kind())
			}
			return err
		}},
		{pathStrict, func() error {
			_, err := dfns.ParseChallengeStrict(data)
			return err
		}},
		{pathGenDiscrim, func() error {
			c, err := parse()
			if err != nil {
				return err
			}
			_, err = c.ValueByDiscriminator()
			return err
		}},
		{pathGenAs, func() error {
			c, err := parse()
			if err != nil {
				return err
			}
			return as(c)
		}},
		{pathTagged, func() error { return tagged(data) }},
		{pathMap, func() error {
			var m map[string]any
			return json.Unmarshal(data, &m)
		}},
		{pathKinBuiltin, func() error { return kin() }},
		{pathKinSchema2020, func() error { return kin(openapi3.EnableJSONSchema2020()) }},
	}
}
