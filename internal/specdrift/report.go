package specdrift

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Class names a kind of change. Its text is part of the -json output.
type Class string

// The classes of change. The first eighteen are the ones the issue lists;
// response-changed and operation-changed catch what no finer class covers
// outside the request body, and are breaking unless they only add (review
// them by hand).
const (
	VariantAdded                Class = "variant-added"                // a oneOf branch with a new kind
	VariantRemoved              Class = "variant-removed"              // a kind's oneOf branch is gone
	PropertyAdded               Class = "property-added"               // a new entry in properties
	PropertyRemoved             Class = "property-removed"             // an entry of properties is gone (renamed: removed + added)
	RequiredChanged             Class = "required-changed"             // a property entered or left required
	TypeChanged                 Class = "type-changed"                 // type (nullable folded in) differs
	EnumValuesAdded             Class = "enum-values-added"            // enum allows more values
	EnumValuesRemoved           Class = "enum-values-removed"          // enum allows fewer values
	PatternChanged              Class = "pattern-changed"              // pattern differs, added or dropped
	MinLengthChanged            Class = "minLength-changed"            // minLength differs
	MaxLengthChanged            Class = "maxLength-changed"            // maxLength differs
	AdditionalPropertiesChanged Class = "additionalProperties-changed" // additionalProperties differs
	DeprecatedChanged           Class = "deprecated-changed"           // deprecated flag of a schema or the operation
	RequestBodyChanged          Class = "request-body-changed"         // anything else about the request body
	ResponseCodeAdded           Class = "response-code-added"          // a new status code
	ResponseCodeRemoved         Class = "response-code-removed"        // a status code is gone
	ServersChanged              Class = "servers-changed"              // a server added, removed or renamed
	SecurityChanged             Class = "security-changed"             // the requirements or their schemes differ
	ResponseChanged             Class = "response-changed"             // anything else about a response (catch-all)
	OperationChanged            Class = "operation-changed"            // anything else about the operation (catch-all)
)

// Change is one semantic difference between the vendored and the upstream
// operation. Its JSON form is part of the stable -json output.
type Change struct {
	// Class says what changed.
	Class Class `json:"class"`
	// Pointer says where, in the vendored document's shape (see the package
	// documentation for the oneOf[kind=K] convention).
	Pointer string `json:"pointer"`
	// Breaking is true when adopting the change takes more than
	// regenerating; false when it is additive.
	Breaking bool `json:"breaking"`
	// Detail says how, in a few words, for people.
	Detail string `json:"detail"`
}

// Report is the result of a comparison; its JSON form is what -json prints:
//
//	{
//	  "drift": true,
//	  "upstreamVersion": "1.808.0",
//	  "vendoredVersion": "1.807.0",
//	  "notes": ["info.version: 1.807.0 -> 1.808.0 (not drift by itself)"],
//	  "changes": [{"class": "...", "pointer": "...", "breaking": false, "detail": "..."}]
//	}
//
// notes and changes are arrays, never null. New fields may be added; the
// existing ones keep their names and meaning.
type Report struct {
	// Drift is true when Changes is not empty.
	Drift bool `json:"drift"`
	// UpstreamVersion is the upstream document's info.version.
	UpstreamVersion string `json:"upstreamVersion"`
	// VendoredVersion is the vendored document's info.version.
	VendoredVersion string `json:"vendoredVersion"`
	// Notes are differences that are not drift (such as info.version).
	Notes []string `json:"notes"`
	// Changes are the differences, sorted by pointer then class.
	Changes []Change `json:"changes"`
}

// Breaking counts the breaking changes.
func (r *Report) Breaking() int {
	n := 0
	for _, c := range r.Changes {
		if c.Breaking {
			n++
		}
	}
	return n
}

// finish sorts the changes, sets Drift and turns nil slices into empty ones.
func (r *Report) finish() {
	slices.SortStableFunc(r.Changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Class, b.Class), cmp.Compare(a.Detail, b.Detail))
	})
	r.Drift = len(r.Changes) > 0
	if r.Notes == nil {
		r.Notes = []string{}
	}
	if r.Changes == nil {
		r.Changes = []Change{}
	}
}

// WriteText prints the report for people: notes, one line per change
// (class, pointer, breaking or additive, detail), then a summary line.
func (r *Report) WriteText(w io.Writer) error {
	for _, n := range r.Notes {
		if _, err := fmt.Fprintf(w, "note: %s\n", n); err != nil {
			return err
		}
	}
	for _, c := range r.Changes {
		verdict := "additive"
		if c.Breaking {
			verdict = "breaking"
		}
		if _, err := fmt.Fprintf(w, "%s %s %s: %s\n", c.Class, c.Pointer, verdict, c.Detail); err != nil {
			return err
		}
	}
	var err error
	if r.Drift {
		_, err = fmt.Fprintf(w, "drift: %d change(s), %d breaking (upstream %s, vendored %s)\n",
			len(r.Changes), r.Breaking(), r.UpstreamVersion, r.VendoredVersion)
	} else {
		_, err = fmt.Fprintf(w, "no drift (upstream %s, vendored %s)\n", r.UpstreamVersion, r.VendoredVersion)
	}
	return err
}

// WriteJSON prints the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
