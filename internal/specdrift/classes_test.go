package specdrift

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// want is an expected change, without its wording.
type want struct {
	class    Class
	pointer  string
	breaking bool
}

func (w want) String() string {
	return fmt.Sprintf("%s %s breaking=%v", w.class, w.pointer, w.breaking)
}

// TestEachClass builds one upstream per drift class by mutating the vendored
// spec, and checks that specdrift reports exactly that change (class,
// pointer, breaking flag) and exits 1.
func TestEachClass(t *testing.T) {
	const (
		fido2     = respPtr + "/oneOf[kind=Fido2]"
		key       = respPtr + "/oneOf[kind=Key]"
		password  = respPtr + "/oneOf[kind=Password]"
		excludeID = fido2 + "/properties/excludeCredentials/items/properties/id"
	)
	cases := []struct {
		name   string
		mutate func(t *testing.T, root *yaml.Node)
		want   []want
		detail string // a substring of the first change's detail
	}{
		{
			name: "variant-added",
			mutate: func(t *testing.T, root *yaml.Node) {
				b := cloneNode(must(t, root, key))
				must(t, b, "/properties/kind/enum/0").Value = "Biometric"
				seq := must(t, root, respPtr+"/oneOf")
				seq.Content = append(seq.Content, b)
			},
			want:   []want{{VariantAdded, respPtr + "/oneOf[kind=Biometric]", false}},
			detail: "discriminator mapping drops it silently",
		},
		{
			name: "variant-removed",
			mutate: func(t *testing.T, root *yaml.Node) {
				dropItem(t, root, respPtr+"/oneOf", func(n *yaml.Node) bool {
					return scalarString(at(n, "/properties/kind/enum/0")) == "Totp"
				})
			},
			want:   []want{{VariantRemoved, respPtr + "/oneOf[kind=Totp]", true}},
			detail: "copy action",
		},
		{
			name: "property-added optional in a response",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, fido2+"/properties", "expiresAt", "{type: string}")
			},
			want:   []want{{PropertyAdded, fido2 + "/properties/expiresAt", false}},
			detail: "optional",
		},
		{
			name: "property-added required in the request",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, reqPtr+"/properties", "deviceName", "{type: string}")
				appendItem(t, root, reqPtr+"/required", "deviceName")
			},
			want:   []want{{PropertyAdded, reqPtr + "/properties/deviceName", true}},
			detail: "requests without it",
		},
		{
			name: "property-removed",
			mutate: func(t *testing.T, root *yaml.Node) {
				del(t, root, key+"/properties", "challenge")
				dropValue(t, root, key+"/required", "challenge")
			},
			want:   []want{{PropertyRemoved, key + "/properties/challenge", true}},
			detail: "was required",
		},
		{
			name: "required-changed",
			mutate: func(t *testing.T, root *yaml.Node) {
				dropValue(t, root, fido2+"/required", "challenge")
			},
			want:   []want{{RequiredChanged, fido2 + "/properties/challenge", true}},
			detail: "no longer required",
		},
		{
			name: "required-changed: now required",
			mutate: func(t *testing.T, root *yaml.Node) {
				appendItem(t, root, fido2+"/required", "rp")
			},
			want:   []want{{RequiredChanged, fido2 + "/properties/rp", true}},
			detail: `"rp" now required`,
		},
		{
			name: "type-changed",
			mutate: func(t *testing.T, root *yaml.Node) {
				must(t, root, fido2+"/properties/pubKeyCredParams/items/properties/alg/type").Value = "integer"
			},
			want:   []want{{TypeChanged, fido2 + "/properties/pubKeyCredParams/items/properties/alg", true}},
			detail: "number -> integer",
		},
		{
			name: "type-changed by OpenAPI 3.0 nullable",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, key+"/properties/challenge", "nullable", "true")
			},
			want:   []want{{TypeChanged, key + "/properties/challenge", true}},
			detail: "string -> null|string",
		},
		{
			name: "enum-values-added",
			mutate: func(t *testing.T, root *yaml.Node) {
				appendItem(t, root, reqPtr+"/properties/credentialKind/enum", "Biometric")
			},
			want:   []want{{EnumValuesAdded, reqPtr + "/properties/credentialKind", false}},
			detail: `"Biometric"`,
		},
		{
			name: "enum-values-removed",
			mutate: func(t *testing.T, root *yaml.Node) {
				dropValue(t, root, fido2+"/properties/attestation/enum", "enterprise")
			},
			want:   []want{{EnumValuesRemoved, fido2 + "/properties/attestation", true}},
			detail: `"enterprise"`,
		},
		{
			name: "enum-values-removed: an enum introduced",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, reqPtr+"/properties/code", "enum", "[ABCD]")
			},
			want:   []want{{EnumValuesRemoved, reqPtr + "/properties/code", true}},
			detail: "enum introduced",
		},
		{
			name: "enum-values-added: the enum dropped",
			mutate: func(t *testing.T, root *yaml.Node) {
				del(t, root, reqPtr+"/properties/credentialKind", "enum")
			},
			want:   []want{{EnumValuesAdded, reqPtr + "/properties/credentialKind", true}},
			detail: "enum dropped",
		},
		{
			name: "pattern-changed",
			mutate: func(t *testing.T, root *yaml.Node) {
				must(t, root, excludeID+"/pattern").Value = "^cr-[a-z0-9-]+$"
			},
			want:   []want{{PatternChanged, excludeID, false}},
			detail: "^cr-[a-z0-9-]+$",
		},
		{
			name: "minLength-changed",
			mutate: func(t *testing.T, root *yaml.Node) {
				must(t, root, reqPtr+"/properties/code/minLength").Value = "6"
			},
			want:   []want{{MinLengthChanged, reqPtr + "/properties/code", false}},
			detail: "minLength 1 -> 6",
		},
		{
			name: "maxLength-changed",
			mutate: func(t *testing.T, root *yaml.Node) {
				must(t, root, excludeID+"/maxLength").Value = "128"
			},
			want:   []want{{MaxLengthChanged, excludeID, false}},
			detail: "maxLength 64 -> 128",
		},
		{
			name: "additionalProperties-changed",
			mutate: func(t *testing.T, root *yaml.Node) {
				del(t, root, reqPtr, "additionalProperties")
			},
			want:   []want{{AdditionalPropertiesChanged, reqPtr, false}},
			detail: "false -> absent",
		},
		{
			name: "additionalProperties-changed from a schema",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, key, "additionalProperties", "{type: string}")
			},
			want:   []want{{AdditionalPropertiesChanged, key, false}},
			detail: `absent -> {"type":["string"]}`,
		},
		{
			name: "deprecated-changed",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, password, "deprecated", "true")
			},
			want:   []want{{DeprecatedChanged, password, false}},
			detail: "false -> true",
		},
		{
			name: "deprecated-changed on the operation",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr, "deprecated", "true")
			},
			want: []want{{DeprecatedChanged, opPtr, false}},
		},
		{
			name: "request-body-changed: a keyword",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, reqPtr+"/properties/code", "format", "password")
			},
			want:   []want{{RequestBodyChanged, reqPtr + "/properties/code/format", true}},
			detail: `format: absent -> "password"`,
		},
		{
			name: "request-body-changed: body removed",
			mutate: func(t *testing.T, root *yaml.Node) {
				del(t, root, opPtr, "requestBody")
			},
			want:   []want{{RequestBodyChanged, opPtr + "/requestBody", true}},
			detail: "removed",
		},
		{
			name: "request-body-changed: body required",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr+"/requestBody", "required", "true")
			},
			want:   []want{{RequestBodyChanged, opPtr + "/requestBody/required", false}},
			detail: "required: false -> true",
		},
		{
			name: "request-body-changed: media type added",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr+"/requestBody/content", "application/x-www-form-urlencoded", "{schema: {type: object}}")
			},
			want: []want{{RequestBodyChanged, opPtr + "/requestBody/content/application~1x-www-form-urlencoded", false}},
		},
		{
			name: "response-code-added",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr+"/responses", "429", "{description: Too Many Requests}")
			},
			want:   []want{{ResponseCodeAdded, opPtr + "/responses/429", false}},
			detail: "response 429 added",
		},
		{
			name: "response-code-removed",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr+"/responses", "201", "{description: Created}")
				del(t, root, opPtr+"/responses", "200")
			},
			want: []want{
				{ResponseCodeRemoved, opPtr + "/responses/200", true},
				{ResponseCodeAdded, opPtr + "/responses/201", false},
			},
		},
		{
			name: "servers-changed: removed",
			mutate: func(t *testing.T, root *yaml.Node) {
				dropItem(t, root, "/servers", func(n *yaml.Node) bool {
					return scalarString(mapGet(n, "url")) == "https://api.dfns.ninja"
				})
			},
			want:   []want{{ServersChanged, "/servers", true}},
			detail: "https://api.dfns.ninja",
		},
		{
			name: "servers-changed: added",
			mutate: func(t *testing.T, root *yaml.Node) {
				appendItem(t, root, "/servers", "{url: 'https://api.us.dfns.io', description: US}")
			},
			want:   []want{{ServersChanged, "/servers", false}},
			detail: "https://api.us.dfns.io (US) added",
		},
		{
			name: "servers-changed: description names a constant",
			mutate: func(t *testing.T, root *yaml.Node) {
				must(t, root, "/servers/1/description").Value = "United Arab Emirates"
			},
			want:   []want{{ServersChanged, "/servers", true}},
			detail: "ServerURL",
		},
		{
			name: "security-changed: a token now required",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr, "security", "[{authenticationToken: []}]")
				set(t, root, "", "components", "{securitySchemes: {authenticationToken: {type: http, scheme: bearer}}}")
			},
			want:   []want{{SecurityChanged, opPtr + "/security", true}},
			detail: "authenticationToken",
		},
		{
			name: "security-changed: an alternative added",
			mutate: func(t *testing.T, root *yaml.Node) {
				appendItem(t, root, opPtr+"/security", "{authenticationToken: []}")
			},
			want: []want{{SecurityChanged, opPtr + "/security", false}},
		},
		{
			name: "response-changed: a keyword (catch-all)",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, key+"/properties/challenge", "format", "byte")
			},
			want:   []want{{ResponseChanged, key + "/properties/challenge/format", true}},
			detail: `format: absent -> "byte"`,
		},
		{
			name: "response-changed: a header added",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr+"/responses/200", "headers", "{X-Request-Id: {schema: {type: string}}}")
			},
			want: []want{{ResponseChanged, opPtr + "/responses/200/headers", false}},
		},
		{
			name: "response-changed: the media type replaced",
			mutate: func(t *testing.T, root *yaml.Node) {
				must(t, root, opPtr+"/responses/200/content").Content[0].Value = "application/vnd.dfns+json"
			},
			want: []want{
				{ResponseChanged, opPtr + "/responses/200/content/application~1json", true},
				{ResponseChanged, opPtr + "/responses/200/content/application~1vnd.dfns+json", false},
			},
		},
		{
			name: "servers-changed: overridden on the operation",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr, "servers", "[{url: 'https://auth.dfns.io', description: Auth}]")
			},
			want: []want{
				{ServersChanged, "/servers", true},
				{ServersChanged, "/servers", true},
				{ServersChanged, "/servers", true},
				{ServersChanged, "/servers", false},
			},
			detail: "https://api.dfns.io (Default - Europe) removed",
		},
		{
			name: "operation-changed: a parameter (catch-all)",
			mutate: func(t *testing.T, root *yaml.Node) {
				set(t, root, opPtr, "parameters", "[{name: X-Request-Id, in: header, required: true, schema: {type: string}}]")
			},
			want: []want{{OperationChanged, opPtr + "/parameters", true}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vendored := vendoredTree(t)
			upstream := cloneNode(vendored)
			tc.mutate(t, upstream)
			path := writeTree(t, upstream, "upstream.yaml")

			r := runJSON(t, ExitDrift, "-upstream", path, "-vendored", vendoredPath)
			if !r.Drift {
				t.Error("drift = false, want true")
			}
			var got []string
			for _, c := range r.Changes {
				got = append(got, want{c.Class, c.Pointer, c.Breaking}.String())
				if at(vendored, c.Pointer) == nil && at(upstream, c.Pointer) == nil {
					t.Errorf("pointer %s resolves in neither document", c.Pointer)
				}
			}
			var wantS []string
			for _, w := range tc.want {
				wantS = append(wantS, w.String())
			}
			if strings.Join(got, "\n") != strings.Join(wantS, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantS, "\n"))
			}
			if tc.detail != "" && len(r.Changes) > 0 && !strings.Contains(r.Changes[0].Detail, tc.detail) {
				t.Errorf("detail %q does not contain %q", r.Changes[0].Detail, tc.detail)
			}
		})
	}
}

// TestVersionAloneIsANote checks that a new info.version is reported as a
// note and exits 0.
func TestVersionAloneIsANote(t *testing.T) {
	upstream := vendoredTree(t)
	must(t, upstream, "/info/version").Value = "1.900.0"
	path := writeTree(t, upstream, "upstream.yaml")

	r := runJSON(t, ExitNoDrift, "-upstream", path, "-vendored", vendoredPath)
	if r.Drift || len(r.Changes) != 0 {
		t.Errorf("drift %v with %d changes, want none", r.Drift, len(r.Changes))
	}
	if r.UpstreamVersion != "1.900.0" || r.VendoredVersion != "1.807.0" {
		t.Errorf("versions %q, %q", r.UpstreamVersion, r.VendoredVersion)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "1.807.0 -> 1.900.0") {
		t.Errorf("notes %q, want one about info.version", r.Notes)
	}
}
