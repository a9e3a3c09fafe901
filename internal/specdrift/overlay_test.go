package specdrift

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/speakeasy-api/openapi/overlay"
	"github.com/speakeasy-api/openapi/overlay/loader"
	"gopkg.in/yaml.v3"
)

// overlayKinds returns the keys of the overlay's discriminator mapping and
// the kinds its copy actions select (oneOf[?@.properties.kind.enum[0]=='K']).
func overlayKinds(t *testing.T, o *overlay.Overlay) (mapping, copied []string) {
	t.Helper()
	selector := regexp.MustCompile(`kind\.enum\[0\]\s*==\s*'([^']*)'`)
	for _, a := range o.Actions {
		if m := selector.FindStringSubmatch(a.Copy); m != nil {
			copied = append(copied, m[1])
		}
		if a.Update.Kind == 0 {
			continue
		}
		for _, ptr := range []string{"/CredentialChallenge/discriminator/mapping", "/components/schemas/CredentialChallenge/discriminator/mapping"} {
			if m := at(&a.Update, ptr); m != nil && m.Kind == yaml.MappingNode {
				for i := 0; i < len(m.Content); i += 2 {
					mapping = append(mapping, m.Content[i].Value)
				}
			}
		}
	}
	if len(mapping) == 0 {
		t.Fatal("no discriminator mapping for CredentialChallenge in the overlay")
	}
	return mapping, copied
}

// kindMismatch returns the spec's kinds the overlay misses and the
// overlay's kinds the spec lacks.
func kindMismatch(spec, overlay []string) (missing, extra []string) {
	for _, k := range spec {
		if !slices.Contains(overlay, k) {
			missing = append(missing, k)
		}
	}
	for _, k := range overlay {
		if !slices.Contains(spec, k) {
			extra = append(extra, k)
		}
	}
	return missing, extra
}

// TestOverlayCoversEveryKind fails when the kinds of the live openapi.yaml's
// response oneOf (read with the specdrift extraction) differ from the
// overlay's discriminator mapping or copy actions: the overlay would drop a
// new variant silently, or fail on a removed one. After `make drift-update`
// this is the test that says the overlay needs the new kind.
func TestOverlayCoversEveryKind(t *testing.T) {
	op, err := Load(readFixture(t, liveVendoredPath))
	if err != nil {
		t.Fatal(err)
	}
	kinds := op.Kinds()
	if len(kinds) < 2 || slices.Contains(kinds, "") {
		t.Fatalf("kinds %q: want several, each branch with a kind", kinds)
	}
	o, err := loader.LoadOverlay(overlayPath)
	if err != nil {
		t.Fatal(err)
	}
	mapping, copied := overlayKinds(t, o)
	for name, overlayKinds := range map[string][]string{"discriminator mapping": mapping, "copy actions": copied} {
		missing, extra := kindMismatch(kinds, overlayKinds)
		if len(missing) > 0 {
			t.Errorf("openapi.overlay.yaml %s lacks kind(s) %q of openapi.yaml: generation would drop them silently", name, missing)
		}
		if len(extra) > 0 {
			t.Errorf("openapi.overlay.yaml %s has kind(s) %q that openapi.yaml lacks", name, extra)
		}
	}
}

// TestKindGuardCatchesANewVariant proves the guard above is not vacuous: on
// the live spec with one more variant it reports that kind.
func TestKindGuardCatchesANewVariant(t *testing.T) {
	const newKind = "SpecdriftTestKind"
	root := treeOf(t, liveVendoredPath)
	seq := must(t, root, respPtr+"/oneOf")
	b := cloneNode(seq.Content[0])
	must(t, b, "/properties/kind/enum/0").Value = newKind
	seq.Content = append(seq.Content, b)

	op, err := extract(root)
	if err != nil {
		t.Fatal(err)
	}
	o, err := loader.LoadOverlay(overlayPath)
	if err != nil {
		t.Fatal(err)
	}
	mapping, _ := overlayKinds(t, o)
	if missing, _ := kindMismatch(op.Kinds(), mapping); !slices.Contains(missing, newKind) {
		t.Errorf("missing %q, want it to contain %s", missing, newKind)
	}
}

// TestOverlayStrictFailsOnRemovedVariant applies the overlay in strict mode
// (oapi-codegen's default) to the live spec with the Totp branch removed (or,
// once the overlay stops copying Totp, the first kind it copies): it must
// fail, naming the copy source that matches nothing. The unmodified spec is
// the control.
func TestOverlayStrictFailsOnRemovedVariant(t *testing.T) {
	o, err := loader.LoadOverlay(overlayPath)
	if err != nil {
		t.Fatal(err)
	}
	apply := func(root *yaml.Node) error {
		doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
		_, err := o.ApplyToStrict(doc)
		return err
	}

	if err := apply(treeOf(t, liveVendoredPath)); err != nil {
		t.Fatalf("control: the overlay fails on openapi.yaml: %v", err)
	}

	_, copied := overlayKinds(t, o)
	if len(copied) == 0 {
		t.Fatal("the overlay copies no variant")
	}
	kind := copied[0]
	if slices.Contains(copied, "Totp") {
		kind = "Totp"
	}
	root := treeOf(t, liveVendoredPath)
	dropItem(t, root, respPtr+"/oneOf", func(n *yaml.Node) bool {
		return scalarString(at(n, "/properties/kind/enum/0")) == kind
	})
	err = apply(root)
	if err == nil {
		t.Fatalf("the overlay applied in strict mode to a spec without the %s branch", kind)
	}
	if !strings.Contains(err.Error(), "'"+kind+"'") || !strings.Contains(err.Error(), "did not match any nodes") {
		t.Errorf("error %q does not name the %s copy source", err, kind)
	}
}
