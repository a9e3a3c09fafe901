package specdrift

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxResolvedNodes bounds the size of a resolved tree: refs (or YAML
// aliases) that expand beyond it are refused rather than exhausting memory.
const maxResolvedNodes = 1 << 20

// resolver copies parts of a document with every local $ref replaced by a
// copy of its target.
type resolver struct {
	root  *yaml.Node // the document's top-level mapping
	stack []string   // refs being expanded, outermost first: the cycle guard
	nodes int        // nodes created so far
	limit int        // 0 means maxResolvedNodes
}

// errRefCycle is wrapped by the error for a $ref that contains itself.
var errRefCycle = errors.New("$ref cycle")

// resolve returns a deep copy of n with refs resolved and aliases expanded.
// A mapping with a string $ref becomes a copy of the target; its other keys
// (OpenAPI 3.1 allows description or summary next to $ref) override the
// target's. Only local refs ("#/...") are supported.
func (r *resolver) resolve(n *yaml.Node) (*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	r.nodes++
	limit := r.limit
	if limit <= 0 {
		limit = maxResolvedNodes
	}
	if r.nodes > limit {
		return nil, fmt.Errorf("resolved operation exceeds %d nodes: $ref or alias expansion too large", limit)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return r.resolve(n.Alias)
	case yaml.ScalarNode:
		c := *n
		c.Content = nil
		return &c, nil
	case yaml.SequenceNode, yaml.DocumentNode:
		c := *n
		c.Content = make([]*yaml.Node, 0, len(n.Content))
		for _, item := range n.Content {
			ri, err := r.resolve(item)
			if err != nil {
				return nil, err
			}
			c.Content = append(c.Content, ri)
		}
		return &c, nil
	case yaml.MappingNode:
		if ref := mapGet(n, "$ref"); ref != nil && ref.Kind == yaml.ScalarNode && ref.Tag != "!!null" {
			return r.resolveRef(n, ref.Value)
		}
		c := *n
		c.Content = make([]*yaml.Node, 0, len(n.Content))
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := *deref(n.Content[i])
			v, err := r.resolve(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			c.Content = append(c.Content, &k, v)
		}
		return &c, nil
	}
	return nil, fmt.Errorf("unexpected YAML node kind %d", n.Kind)
}

// resolveRef resolves the mapping n whose $ref is ref.
func (r *resolver) resolveRef(n *yaml.Node, ref string) (*yaml.Node, error) {
	ptr, err := refPointer(ref)
	if err != nil {
		return nil, err
	}
	for i, s := range r.stack {
		if s == ptr {
			chain := append(append([]string{}, r.stack[i:]...), ptr)
			return nil, fmt.Errorf("%w: #%s", errRefCycle, strings.Join(chain, " -> #"))
		}
	}
	target, err := lookupPointer(r.root, ptr)
	if err != nil {
		return nil, fmt.Errorf("$ref %q: %w", ref, err)
	}
	r.stack = append(r.stack, ptr)
	res, err := r.resolve(target)
	r.stack = r.stack[:len(r.stack)-1]
	if err != nil {
		return nil, err
	}
	if res.Kind != yaml.MappingNode {
		return res, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if key == "$ref" {
			continue
		}
		v, err := r.resolve(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		mapSet(res, key, v)
	}
	return res, nil
}

// refPointer returns the JSON pointer of a local ref ("#/a/b" gives "/a/b"),
// percent-decoded.
func refPointer(ref string) (string, error) {
	if !strings.HasPrefix(ref, "#") {
		return "", fmt.Errorf("external $ref %q is not supported: bundle the document into one file first", ref)
	}
	frag, err := url.PathUnescape(ref[1:])
	if err != nil {
		return "", fmt.Errorf("$ref %q: %w", ref, err)
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return "", fmt.Errorf("$ref %q: only JSON pointer fragments are supported", ref)
	}
	return frag, nil
}

// lookupPointer finds the node at an RFC 6901 pointer under root.
func lookupPointer(root *yaml.Node, ptr string) (*yaml.Node, error) {
	n := root
	if ptr == "" {
		return n, nil
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapeToken(tok)
		n = deref(n)
		switch n.Kind {
		case yaml.MappingNode:
			next := mapGet(n, tok)
			if next == nil {
				return nil, fmt.Errorf("no %q", tok)
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, fmt.Errorf("no index %q", tok)
			}
			n = n.Content[i]
		default:
			return nil, fmt.Errorf("%q is below a scalar", tok)
		}
	}
	return deref(n), nil
}

// escapeToken escapes one RFC 6901 reference token.
func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapeToken reverses escapeToken.
func unescapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}
