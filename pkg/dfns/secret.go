package dfns

import (
	"fmt"
	"log/slog"
)

// redacted is what a OneTimeCode prints instead of itself.
const redacted = "[REDACTED]"

// OneTimeCode is the secret one-time code (e.g. "A7U-KY6-9PT") that lets a
// device register a credential. It redacts itself wherever it is printed:
// String, GoString, every fmt verb, slog and encoding/json all show
// "[REDACTED]". Only CreateCredentialChallengeWithCode's request body carries
// the real value.
//
// fmt cannot call methods on unexported struct fields: keep a OneTimeCode in
// an exported field, or not in a struct you print. encoding/json writes a
// map key of a string kind as is, without MarshalText: never key a map by a
// OneTimeCode.
type OneTimeCode string

// String returns "[REDACTED]".
func (OneTimeCode) String() string { return redacted }

// GoString returns "[REDACTED]" for %#v.
func (OneTimeCode) GoString() string { return redacted }

// Format prints "[REDACTED]" for every verb, %x and %q included.
func (OneTimeCode) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue keeps the code out of slog output.
func (OneTimeCode) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes "[REDACTED]", so that a struct holding a code can be
// logged as JSON safely.
func (OneTimeCode) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText encodes "[REDACTED]" for encoding.TextMarshaler users (some
// loggers, encoding/xml). It does not protect a map key: encoding/json uses a
// string-kinded key as is.
func (OneTimeCode) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// IsZero reports whether the code is empty.
func (c OneTimeCode) IsZero() bool { return c == "" }

// reveal returns the secret; it is the only way the package reads it.
func (c OneTimeCode) reveal() string { return string(c) }
