package specdrift

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// handledKeywords are the schema keywords the finer classes cover; any other
// keyword that differs is a catch-all change of the side.
var handledKeywords = map[string]bool{
	"type": true, "nullable": true, "enum": true, "pattern": true, "minLength": true, "maxLength": true,
	"additionalProperties": true, "deprecated": true, "properties": true, "required": true,
	"items": true, "oneOf": true,
}

// schema compares two resolved schemas at ptr.
// carried says why a constraint change needs no hand edit.
const carried = "the regenerated code carries it: strict validation reads the embedded spec"

func (d *differ) schema(ptr string, v, u any, s side) {
	vn, un := normalizeSchema(v), normalizeSchema(u)
	if canonical(vn) == canonical(un) {
		return
	}
	vm, vok := vn.(map[string]any)
	um, uok := un.(map[string]any)
	if !vok || !uok {
		d.add(s.catchAll(), ptr, true, "schema %s -> %s", short(vn), short(un))
		return
	}
	if vt, ut := typeSet(vm), typeSet(um); strings.Join(vt, ",") != strings.Join(ut, ",") {
		d.add(TypeChanged, ptr, true, "type %s -> %s", typeText(vt), typeText(ut))
		return // the rest follows from the new type
	}
	d.enum(ptr, vm["enum"], um["enum"])
	// String constraints are not in the generated Go types; strict
	// validation (pkg/dfns, the sandbox) reads them from the spec the
	// generator embeds, so regenerating carries them: additive.
	if short(vm["pattern"]) != short(um["pattern"]) {
		d.add(PatternChanged, ptr, false, "pattern %s -> %s (%s)", short(vm["pattern"]), short(um["pattern"]), carried)
	}
	if number(vm["minLength"]) != number(um["minLength"]) {
		d.add(MinLengthChanged, ptr, false, "minLength %s -> %s (%s)", number(vm["minLength"]), number(um["minLength"]), carried)
	}
	if number(vm["maxLength"]) != number(um["maxLength"]) {
		d.add(MaxLengthChanged, ptr, false, "maxLength %s -> %s (%s)", number(vm["maxLength"]), number(um["maxLength"]), carried)
	}
	d.additionalProperties(ptr, vm["additionalProperties"], um["additionalProperties"], s)
	d.deprecated(ptr, vm["deprecated"], um["deprecated"])
	d.properties(ptr, vm, um, s)
	d.items(ptr, vm["items"], um["items"], s)
	d.oneOf(ptr, vm["oneOf"], um["oneOf"], s)
	for _, k := range unionKeys(vm, um) {
		if handledKeywords[k] {
			continue
		}
		if canonical(vm[k]) != canonical(um[k]) {
			d.add(s.catchAll(), ptr+"/"+escapeToken(k), true, "%s: %s -> %s", k, short(vm[k]), short(um[k]))
		}
	}
}

func typeText(types []string) string {
	if len(types) == 0 {
		return "(none)"
	}
	return strings.Join(types, "|")
}

// enum compares enum value sets; order does not count.
func (d *differ) enum(ptr string, v, u any) {
	switch {
	case v == nil && u == nil:
		return
	case v == nil:
		d.add(EnumValuesRemoved, ptr, true, "enum introduced: only %s allowed now", short(u))
		return
	case u == nil:
		d.add(EnumValuesAdded, ptr, true, "enum dropped: any value allowed now (the generated enum type goes away)")
		return
	}
	vs, us := valueSet(v), valueSet(u)
	var added, removed []string
	for _, k := range unionKeys(vs, us) {
		switch {
		case vs[k] == nil:
			added = append(added, k)
		case us[k] == nil:
			removed = append(removed, k)
		}
	}
	if len(added) > 0 {
		d.add(EnumValuesAdded, ptr, false, "values added: %s", strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		d.add(EnumValuesRemoved, ptr, true, "values removed: %s", strings.Join(removed, ", "))
	}
}

// valueSet is a list as a set of canonical texts.
func valueSet(v any) map[string]any {
	set := map[string]any{}
	if l, ok := v.([]any); ok {
		for _, x := range l {
			set[canonical(x)] = true
		}
	} else {
		set[canonical(v)] = true
	}
	return set
}

// stringSet is a required list as a set.
func stringSet(v any) map[string]any {
	set := map[string]any{}
	if l, ok := v.([]any); ok {
		for _, x := range l {
			set[fmt.Sprint(x)] = true
		}
	}
	return set
}

// additionalProperties compares additionalProperties (normalized: {} is
// true). It breaks when the vendored value was true or a schema: the
// generated AdditionalProperties field goes away or changes type.
func (d *differ) additionalProperties(ptr string, v, u any, s side) {
	vm, vok := v.(map[string]any)
	um, uok := u.(map[string]any)
	if vok && uok {
		d.schema(ptr+"/additionalProperties", vm, um, s)
		return
	}
	if canonical(v) != canonical(u) {
		d.add(AdditionalPropertiesChanged, ptr, v == true || vok, "additionalProperties %s -> %s", short(v), short(u))
	}
}

// properties compares properties and required. Requiredness of an added or
// removed property is part of that change, not a required-changed.
func (d *differ) properties(ptr string, vm, um map[string]any, s side) {
	vp, up := asMap(vm["properties"]), asMap(um["properties"])
	vreq, ureq := stringSet(vm["required"]), stringSet(um["required"])
	for _, name := range unionKeys(vp, up) {
		p := ptr + "/properties/" + escapeToken(name)
		vs, inV := vp[name]
		us, inU := up[name]
		switch {
		case !inU:
			detail := fmt.Sprintf("property %q removed", name)
			if vreq[name] != nil {
				detail += " (was required)"
			}
			d.add(PropertyRemoved, p, true, "%s", detail)
		case !inV:
			if ureq[name] != nil {
				if s == request {
					d.add(PropertyAdded, p, true, "new required request property %q: requests without it will be refused", name)
				} else {
					d.add(PropertyAdded, p, false, "new required property %q", name)
				}
			} else {
				d.add(PropertyAdded, p, false, "new optional property %q", name)
			}
		default:
			d.schema(p, vs, us, s)
			d.required(p, name, vreq[name] != nil, ureq[name] != nil)
		}
	}
	// required names with no property on either side
	for _, name := range unionKeys(vreq, ureq) {
		_, inV := vp[name]
		_, inU := up[name]
		if !inV && !inU {
			d.required(ptr+"/required", name, vreq[name] != nil, ureq[name] != nil)
		}
	}
}

func (d *differ) required(ptr, name string, was, is bool) {
	switch {
	case was && !is:
		d.add(RequiredChanged, ptr, true, "%q no longer required (the generated field becomes optional, a pointer)", name)
	case !was && is:
		d.add(RequiredChanged, ptr, true, "%q now required (the generated field stops being a pointer)", name)
	}
}

func (d *differ) items(ptr string, v, u any, s side) {
	if v == nil && u == nil {
		return
	}
	d.schema(ptr+"/items", v, u, s)
}

// oneOf compares branches by kind when every branch on both sides has a
// distinct kind, else by index.
func (d *differ) oneOf(ptr string, v, u any, s side) {
	if v == nil && u == nil {
		return
	}
	vl, vok := v.([]any)
	ul, uok := u.([]any)
	if !vok || !uok {
		d.add(s.catchAll(), ptr+"/oneOf", true, "oneOf %s -> %s", short(v), short(u))
		return
	}
	vk, vkeyed := branchesByKind(vl)
	uk, ukeyed := branchesByKind(ul)
	if !vkeyed || !ukeyed {
		vk, uk = branchesByIndex(vl), branchesByIndex(ul)
	}
	union := unionKeys(vk, uk)
	if !vkeyed || !ukeyed {
		slices.SortFunc(union, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
	}
	// Only the 200 response's oneOf is mapped by the overlay.
	overlaid := s == response && strings.HasSuffix(ptr, "/schema")
	for _, key := range union {
		p := ptr + "/oneOf/" + key
		what := "branch " + key + " (no kind)"
		if vkeyed && ukeyed {
			p = ptr + "/oneOf[kind=" + escapeToken(key) + "]"
			what = fmt.Sprintf("variant kind %q", key)
		}
		vb, inV := vk[key]
		ub, inU := uk[key]
		switch {
		case !inU:
			detail := what + " removed"
			if overlaid {
				detail += ": the overlay's copy action for it matches nothing, so generation fails (strict mode); drop it from openapi.overlay.yaml and pkg/dfns"
			}
			d.add(VariantRemoved, p, true, "%s", detail)
		case !inV:
			detail := "new " + what
			if overlaid {
				detail += ": additive on the wire, but the overlay's fixed discriminator mapping drops it silently; add its slot, copy action and mapping entry to openapi.overlay.yaml"
			}
			d.add(VariantAdded, p, false, "%s", detail)
		default:
			d.schema(p, vb, ub, s)
		}
	}
}

// Kind returns a oneOf branch's kind: properties.kind.enum[0] or
// properties.kind.const, when it is a string.
func Kind(branch any) (string, bool) {
	kind := asMap(asMap(asMap(branch)["properties"])["kind"])
	if l, ok := kind["enum"].([]any); ok && len(l) > 0 {
		s, ok := l[0].(string)
		return s, ok
	}
	s, ok := kind["const"].(string)
	return s, ok
}

// branchesByKind keys branches by kind; ok is false when a branch has no
// kind or two share one.
func branchesByKind(l []any) (map[string]any, bool) {
	m := make(map[string]any, len(l))
	for _, b := range l {
		k, ok := Kind(b)
		if !ok {
			return nil, false
		}
		if _, dup := m[k]; dup {
			return nil, false
		}
		m[k] = b
	}
	return m, true
}

func branchesByIndex(l []any) map[string]any {
	m := make(map[string]any, len(l))
	for i, b := range l {
		m[strconv.Itoa(i)] = b
	}
	return m
}
