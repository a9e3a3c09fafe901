package flow_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/gen/flow"
)

const flowSpec = "../../openapi.flow.yaml"

// TestFlowSpec: openapi.flow.yaml says it is ours, is a valid OpenAPI
// document, has the two operations with the names the code uses, its
// CredentialKind enum is the vendored spec's, and the verify request's
// discriminator maps every kind to a variant whose credentialKind is that
// kind alone.
func TestFlowSpec(t *testing.T) {
	data, err := os.ReadFile(flowSpec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data[:min(len(data), 400)]), "WRITTEN BY dfns-go, NOT VENDORED FROM DFNS") {
		t.Error("openapi.flow.yaml must say at the top that it is written by the project, not vendored")
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for path, id := range map[string]string{"/auth/credentials/code/verify": "CreateCredentialWithCode", "/auth/credentials/code": "CreateCredentialCode"} {
		item := doc.Paths.Value(path)
		if item == nil || item.Post == nil || item.Post.OperationID != id {
			t.Errorf("POST %s is not %s", path, id)
		}
	}

	kinds := doc.Components.Schemas["CredentialKind"].Value.Enum
	if len(kinds) != 6 {
		t.Errorf("CredentialKind has %d values, want the vendored six", len(kinds))
	}
	for _, k := range kinds {
		s, _ := k.(string)
		if !gen.CredentialKind(s).Valid() || !flow.CredentialKind(s).Valid() {
			t.Errorf("kind %v is not one of the vendored spec's", k)
		}
	}

	req := doc.Components.Schemas["CreateCredentialWithCodeRequest"].Value
	if req.Discriminator == nil || req.Discriminator.PropertyName != "credentialKind" {
		t.Fatal("the verify request has no credentialKind discriminator")
	}
	var mapped []string
	for kind, ref := range req.Discriminator.Mapping {
		mapped = append(mapped, kind)
		name := strings.TrimPrefix(ref.Ref, "#/components/schemas/")
		variant := doc.Components.Schemas[name]
		if variant == nil || !slices.ContainsFunc(req.OneOf, func(r *openapi3.SchemaRef) bool { return r.Ref == ref.Ref }) {
			t.Errorf("mapping %s -> %s is not a oneOf branch", kind, ref.Ref)
			continue
		}
		enum := variant.Value.Properties["credentialKind"].Value.Enum
		if len(enum) != 1 || enum[0] != kind {
			t.Errorf("%s's credentialKind is %v, want [%s]", name, enum, kind)
		}
	}
	if len(mapped) != len(kinds) || len(req.OneOf) != len(kinds) {
		t.Errorf("the discriminator maps %v and oneOf has %d branches, want the %d kinds", mapped, len(req.OneOf), len(kinds))
	}
}
