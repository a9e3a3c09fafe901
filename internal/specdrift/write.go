package specdrift

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Marshal renders op as a standalone document in the shape of the vendored
// openapi.yaml: the top-level keys openapi, info (title and version only),
// servers, security and paths with just the watched operation, every $ref
// resolved inline, in 2-space block YAML. The operation's keys keep their
// upstream order. When a security requirement names a scheme, the document
// ends with components.securitySchemes holding the named schemes, so that it
// stays valid.
func Marshal(op *Operation) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	mapSet(doc, "openapi", strNode(op.OpenAPI))
	info := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if op.info != nil {
		for i := 0; i+1 < len(op.info.Content); i += 2 {
			if k := op.info.Content[i].Value; k == "title" || k == "version" {
				info.Content = append(info.Content, op.info.Content[i], op.info.Content[i+1])
			}
		}
	}
	mapSet(doc, "info", info)
	if op.servers != nil {
		mapSet(doc, "servers", op.servers)
	}
	if op.security != nil {
		mapSet(doc, "security", op.security)
	}
	paths := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	mapSet(paths, OperationPath, op.pathItem)
	mapSet(doc, "paths", paths)
	if op.schemes != nil {
		components := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		mapSet(components, "securitySchemes", op.schemes)
		mapSet(doc, "components", components)
	}
	doc = blockStyle(doc)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// blockStyle returns a copy of n in block style without comments (a JSON
// upstream would otherwise come out in flow style): quoting is left to the
// encoder, except that strings which would read as another type ('200')
// keep single quotes, and literal or folded strings keep their style.
func blockStyle(n *yaml.Node) *yaml.Node {
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	c.Anchor = ""
	switch c.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		c.Style = 0
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, item := range n.Content {
			c.Content[i] = blockStyle(item)
		}
	case yaml.ScalarNode:
		c.Style &= yaml.LiteralStyle | yaml.FoldedStyle
		if c.Style == 0 && c.ShortTag() == "!!str" && len(c.Value) < 64 {
			var probe yaml.Node
			if yaml.Unmarshal([]byte(c.Value), &probe) == nil && len(probe.Content) == 1 &&
				probe.Content[0].Kind == yaml.ScalarNode && probe.Content[0].ShortTag() != "!!str" {
				c.Style = yaml.SingleQuotedStyle
			}
		}
	}
	return &c
}

// WriteFile replaces path with data atomically (a temporary file in the same
// directory, then a rename), keeping path's permissions if it exists.
func WriteFile(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".specdrift-*.yaml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
