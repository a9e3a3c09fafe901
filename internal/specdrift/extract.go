package specdrift

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// The operation specdrift watches.
const (
	OperationPath   = "/auth/credentials/code/init"
	OperationMethod = "post"
)

// ErrNotOpenAPI is wrapped by the error for a document that is not OpenAPI 3.
var ErrNotOpenAPI = errors.New("not an OpenAPI 3 document")

// ErrOperationMissing is wrapped by the error for a document without the
// watched operation.
var ErrOperationMissing = errors.New("operation not found")

// Operation is the watched operation extracted from a document, with every
// $ref resolved inline, and the document-level fields that apply to it.
type Operation struct {
	// OpenAPI is the document's openapi field, e.g. "3.1.0".
	OpenAPI string
	// Version is the document's info.version.
	Version string

	info     *yaml.Node // the resolved info object
	servers  *yaml.Node // top-level servers, or nil
	security *yaml.Node // top-level security, or nil
	pathItem *yaml.Node // the path item: its path-level fields and the operation only
	op       *yaml.Node // the operation, also in pathItem
	schemes  *yaml.Node // components.securitySchemes named by any security requirement, or nil
}

// Load parses a YAML or JSON OpenAPI 3 document and extracts the watched
// operation from it.
func Load(data []byte) (*Operation, error) {
	root, err := parseDocument(data)
	if err != nil {
		return nil, err
	}
	return extract(root)
}

// httpMethods are the path item keys that hold operations.
var httpMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true, "options": true,
	"head": true, "patch": true, "trace": true, "query": true, "additionalOperations": true,
}

// extract finds the operation in the document whose top-level mapping is root.
func extract(root *yaml.Node) (*Operation, error) {
	version := mapGet(root, "openapi")
	switch {
	case version != nil && version.Kind == yaml.ScalarNode && strings.HasPrefix(version.Value, "3."):
	case mapGet(root, "swagger") != nil:
		return nil, fmt.Errorf("%w: Swagger 2.0 is not supported", ErrNotOpenAPI)
	case version != nil:
		return nil, fmt.Errorf("%w: openapi is %q", ErrNotOpenAPI, version.Value)
	default:
		return nil, fmt.Errorf("%w: no openapi field", ErrNotOpenAPI)
	}
	r := &resolver{root: root}
	op := &Operation{OpenAPI: version.Value}

	var err error
	if op.info, err = r.resolve(mapGet(root, "info")); err != nil {
		return nil, fmt.Errorf("info: %w", err)
	}
	op.Version = scalarString(mapGet(op.info, "version"))
	if op.servers, err = r.resolve(mapGet(root, "servers")); err != nil {
		return nil, fmt.Errorf("servers: %w", err)
	}
	if op.security, err = r.resolve(mapGet(root, "security")); err != nil {
		return nil, fmt.Errorf("security: %w", err)
	}

	item, err := pathItem(root)
	if err != nil {
		return nil, err
	}
	// Resolve only the path-level fields and the watched operation: the
	// other operations may hold refs that do not concern us.
	shallow := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(item.Content); i += 2 {
		key := item.Content[i].Value
		if key == "$ref" || (httpMethods[key] && key != OperationMethod) {
			continue
		}
		shallow.Content = append(shallow.Content, item.Content[i], item.Content[i+1])
	}
	if op.pathItem, err = r.resolve(shallow); err != nil {
		return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(OperationMethod), OperationPath, err)
	}
	op.op = mapGet(op.pathItem, OperationMethod)
	if op.op == nil || op.op.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: no %s %s in the document", ErrOperationMissing, strings.ToUpper(OperationMethod), OperationPath)
	}
	if op.schemes, err = securitySchemes(r, root, op.security, mapGet(op.op, "security")); err != nil {
		return nil, err
	}
	return op, nil
}

// pathItem returns the unresolved path item of OperationPath, following
// path-item-level $refs.
func pathItem(root *yaml.Node) (*yaml.Node, error) {
	paths := mapGet(root, "paths")
	item := mapGet(paths, OperationPath)
	for hops := 0; item != nil; hops++ {
		ref := mapGet(item, "$ref")
		if ref == nil {
			break
		}
		if hops == 10 {
			return nil, fmt.Errorf("path item %s: more than 10 chained $refs", OperationPath)
		}
		ptr, err := refPointer(ref.Value)
		if err != nil {
			return nil, fmt.Errorf("path item %s: %w", OperationPath, err)
		}
		if item, err = lookupPointer(root, ptr); err != nil {
			return nil, fmt.Errorf("path item %s: $ref %q: %w", OperationPath, ref.Value, err)
		}
	}
	if item == nil || item.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: no path %s in the document", ErrOperationMissing, OperationPath)
	}
	return item, nil
}

// securitySchemes returns the resolved components.securitySchemes named by
// the given security requirement lists, or nil when none is named.
func securitySchemes(r *resolver, root *yaml.Node, lists ...*yaml.Node) (*yaml.Node, error) {
	defined := mapGet(mapGet(root, "components"), "securitySchemes")
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, list := range lists {
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, req := range list.Content {
			if req.Kind != yaml.MappingNode {
				continue
			}
			for i := 0; i+1 < len(req.Content); i += 2 {
				name := req.Content[i].Value
				def := mapGet(defined, name)
				if def == nil || mapGet(out, name) != nil {
					continue
				}
				rd, err := r.resolve(def)
				if err != nil {
					return nil, fmt.Errorf("security scheme %s: %w", name, err)
				}
				out.Content = append(out.Content, strNode(name), rd)
			}
		}
	}
	if len(out.Content) == 0 {
		return nil, nil
	}
	return out, nil
}

// Kinds returns the kind of each oneOf branch of the operation's 200
// application/json response, in document order ("" for a branch without a
// kind).
func (o *Operation) Kinds() []string {
	schema := asMap(asMap(asMap(asMap(asMap(asMap(toPlain(o.op))["responses"])["200"])["content"])["application/json"])["schema"])
	branches, _ := schema["oneOf"].([]any)
	kinds := make([]string, 0, len(branches))
	for _, b := range branches {
		k, _ := Kind(b)
		kinds = append(kinds, k)
	}
	return kinds
}
