package specdrift

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Compare returns the semantic differences between the vendored operation
// and the upstream one (see the package documentation for what counts).
func Compare(vendored, upstream *Operation) *Report {
	r := &Report{UpstreamVersion: upstream.Version, VendoredVersion: vendored.Version}
	if vendored.Version != upstream.Version {
		r.Notes = append(r.Notes, fmt.Sprintf("info.version: %s -> %s (not drift by itself)", vendored.Version, upstream.Version))
	}
	if vendored.OpenAPI != upstream.OpenAPI {
		r.Notes = append(r.Notes, fmt.Sprintf("openapi: %s -> %s", vendored.OpenAPI, upstream.OpenAPI))
	}
	d := &differ{}
	d.servers(vendored, upstream)
	d.security(vendored, upstream)
	d.pathItem(vendored, upstream)
	d.operation(opPointer, asMap(toPlain(vendored.op)), asMap(toPlain(upstream.op)))
	r.Changes = d.changes
	r.finish()
	return r
}

// Pointers to the watched path item and operation in the vendored document.
var (
	pathPointer = "/paths/" + escapeToken(OperationPath)
	opPointer   = pathPointer + "/" + OperationMethod
)

// side says which way a schema's data travels: it picks the catch-all class
// and whether a new required property breaks the client.
type side int

const (
	request side = iota
	response
)

func (s side) catchAll() Class {
	if s == request {
		return RequestBodyChanged
	}
	return ResponseChanged
}

// differ accumulates changes.
type differ struct {
	changes []Change
}

func (d *differ) add(class Class, ptr string, breaking bool, format string, args ...any) {
	d.changes = append(d.changes, Change{Class: class, Pointer: ptr, Breaking: breaking, Detail: fmt.Sprintf(format, args...)})
}

// generic reports a catch-all change at ptr when the normalized values
// differ; it is additive only when additiveIfNew and the vendored value was
// absent.
func (d *differ) generic(class Class, ptr string, v, u any, additiveIfNew bool) {
	if canonical(v) == canonical(u) {
		return
	}
	d.add(class, ptr, !(additiveIfNew && v == nil), "%s -> %s", short(v), short(u))
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// unionKeys returns the keys of both maps, sorted.
func unionKeys(a, b map[string]any) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// --- document level -----------------------------------------------------------

// effectiveServers is the servers list that applies to the operation and
// where it lives.
func effectiveServers(o *Operation) (string, []any) {
	if s := mapGet(o.op, "servers"); s != nil {
		l, _ := toPlain(s).([]any)
		return opPointer + "/servers", l
	}
	if s := mapGet(o.pathItem, "servers"); s != nil {
		l, _ := toPlain(s).([]any)
		return pathPointer + "/servers", l
	}
	l, _ := toPlain(o.servers).([]any)
	return "/servers", l
}

// servers compares servers by URL. A server's description counts: it names
// the generated ServerURL… constant that pkg/dfns uses.
func (d *differ) servers(vendored, upstream *Operation) {
	ptr, vl := effectiveServers(vendored)
	_, ul := effectiveServers(upstream)
	byURL := func(l []any) map[string]any {
		m := map[string]any{}
		for _, s := range l {
			if sm, ok := s.(map[string]any); ok {
				m[fmt.Sprint(sm["url"])] = sm
			}
		}
		return m
	}
	vm, um := byURL(vl), byURL(ul)
	for _, u := range unionKeys(vm, um) {
		vs, us := asMap(vm[u]), asMap(um[u])
		switch {
		case us == nil:
			d.add(ServersChanged, ptr, true, "server %s (%v) removed", u, vs["description"])
		case vs == nil:
			d.add(ServersChanged, ptr, false, "server %s (%v) added", u, us["description"])
		default:
			if fmt.Sprint(vs["description"]) != fmt.Sprint(us["description"]) {
				d.add(ServersChanged, ptr, true, "server %s renamed %q -> %q (the description names the generated ServerURL constant)", u, fmt.Sprint(vs["description"]), fmt.Sprint(us["description"]))
			}
			if canonical(normalizeObject(vs["variables"])) != canonical(normalizeObject(us["variables"])) {
				d.add(ServersChanged, ptr, true, "server %s variables %s -> %s", u, short(normalizeObject(vs["variables"])), short(normalizeObject(us["variables"])))
			}
		}
	}
}

// effectiveSecurity is the security requirement list that applies to the
// operation and where it lives.
func effectiveSecurity(o *Operation) (string, []any) {
	if s := mapGet(o.op, "security"); s != nil {
		l, _ := toPlain(s).([]any)
		return opPointer + "/security", l
	}
	l, _ := toPlain(o.security).([]any)
	return "/security", l
}

// requirements is a security requirement list as a set of texts; the
// anonymous requirement {} and the empty list are both "anonymous".
func requirements(l []any) map[string]any {
	set := map[string]any{}
	for _, req := range l {
		m := asMap(req)
		if len(m) == 0 {
			set["anonymous"] = true
			continue
		}
		var parts []string
		for _, name := range slices.Sorted(maps.Keys(m)) {
			var scopes []string
			if sl, ok := m[name].([]any); ok {
				for _, s := range sl {
					scopes = append(scopes, fmt.Sprint(s))
				}
			}
			slices.Sort(scopes)
			parts = append(parts, name+"["+strings.Join(scopes, ",")+"]")
		}
		set[strings.Join(parts, "+")] = true
	}
	if len(set) == 0 {
		set["anonymous"] = true
	}
	return set
}

func (d *differ) security(vendored, upstream *Operation) {
	ptr, vl := effectiveSecurity(vendored)
	_, ul := effectiveSecurity(upstream)
	vs, us := requirements(vl), requirements(ul)
	var removed, added []string
	for _, k := range unionKeys(vs, us) {
		switch {
		case us[k] == nil:
			removed = append(removed, k)
		case vs[k] == nil:
			added = append(added, k)
		}
	}
	if len(removed) > 0 || len(added) > 0 {
		d.add(SecurityChanged, ptr, len(removed) > 0, "requirements %v -> %v (any one suffices)", slices.Sorted(maps.Keys(vs)), slices.Sorted(maps.Keys(us)))
	}
	vsch, usch := asMap(toPlain(vendored.schemes)), asMap(toPlain(upstream.schemes))
	for _, name := range unionKeys(vsch, usch) {
		if vsch[name] == nil || usch[name] == nil {
			continue // a scheme only one side names: the requirement change says it
		}
		d.generic(SecurityChanged, "/components/securitySchemes/"+escapeToken(name), normalizeObject(vsch[name]), normalizeObject(usch[name]), false)
	}
}

// pathItem compares the path-level fields (parameters...) other than
// servers and the operation.
func (d *differ) pathItem(vendored, upstream *Operation) {
	vm, um := asMap(toPlain(vendored.pathItem)), asMap(toPlain(upstream.pathItem))
	for _, k := range unionKeys(vm, um) {
		if annotation(k) || k == "servers" || k == OperationMethod {
			continue
		}
		d.generic(OperationChanged, pathPointer+"/"+escapeToken(k), normalizeObject(vm[k]), normalizeObject(um[k]), false)
	}
}

// --- operation ------------------------------------------------------------------

func (d *differ) operation(ptr string, vm, um map[string]any) {
	for _, k := range unionKeys(vm, um) {
		p := ptr + "/" + escapeToken(k)
		switch {
		case annotation(k), k == "servers", k == "security":
		case k == "requestBody":
			d.requestBody(p, asMap(vm[k]), asMap(um[k]))
		case k == "responses":
			d.responses(p, asMap(vm[k]), asMap(um[k]))
		case k == "deprecated":
			d.deprecated(ptr, vm[k], um[k])
		default:
			d.generic(OperationChanged, p, normalizeObject(vm[k]), normalizeObject(um[k]), false)
		}
	}
}

func (d *differ) deprecated(ptr string, v, u any) {
	if (v == true) != (u == true) {
		d.add(DeprecatedChanged, ptr, false, "deprecated: %v -> %v", v == true, u == true)
	}
}

func (d *differ) requestBody(ptr string, vm, um map[string]any) {
	switch {
	case vm == nil && um == nil:
		return
	case vm == nil:
		d.add(RequestBodyChanged, ptr, true, "request body added")
		return
	case um == nil:
		d.add(RequestBodyChanged, ptr, true, "request body removed")
		return
	}
	for _, k := range unionKeys(vm, um) {
		p := ptr + "/" + escapeToken(k)
		switch {
		case annotation(k):
		case k == "required":
			if (vm[k] == true) != (um[k] == true) {
				d.add(RequestBodyChanged, p, false, "required: %v -> %v", vm[k] == true, um[k] == true)
			}
		case k == "content":
			d.content(p, asMap(vm[k]), asMap(um[k]), request)
		default:
			d.generic(RequestBodyChanged, p, normalizeObject(vm[k]), normalizeObject(um[k]), false)
		}
	}
}

func (d *differ) responses(ptr string, vm, um map[string]any) {
	for _, code := range unionKeys(vm, um) {
		p := ptr + "/" + escapeToken(code)
		if annotation(code) {
			continue
		}
		vr, vok := vm[code]
		ur, uok := um[code]
		switch {
		case !uok:
			d.add(ResponseCodeRemoved, p, true, "response %s removed", code)
		case !vok:
			d.add(ResponseCodeAdded, p, false, "response %s added", code)
		default:
			d.response(p, asMap(vr), asMap(ur))
		}
	}
}

func (d *differ) response(ptr string, vm, um map[string]any) {
	for _, k := range unionKeys(vm, um) {
		p := ptr + "/" + escapeToken(k)
		switch {
		case annotation(k):
		case k == "content":
			d.content(p, asMap(vm[k]), asMap(um[k]), response)
		default: // headers, links
			d.generic(ResponseChanged, p, normalizeObject(vm[k]), normalizeObject(um[k]), true)
		}
	}
}

// content compares the media types of a request body or a response.
func (d *differ) content(ptr string, vm, um map[string]any, s side) {
	for _, mt := range unionKeys(vm, um) {
		p := ptr + "/" + escapeToken(mt)
		vmt, vok := vm[mt]
		umt, uok := um[mt]
		switch {
		case !uok:
			d.add(s.catchAll(), p, true, "media type %s removed", mt)
		case !vok:
			d.add(s.catchAll(), p, false, "media type %s added", mt)
		default:
			vo, uo := asMap(vmt), asMap(umt)
			for _, k := range unionKeys(vo, uo) {
				switch {
				case annotation(k):
				case k == "schema":
					d.schema(p+"/schema", vo[k], uo[k], s)
				default: // encoding
					d.generic(s.catchAll(), p+"/"+escapeToken(k), normalizeObject(vo[k]), normalizeObject(uo[k]), false)
				}
			}
		}
	}
}
