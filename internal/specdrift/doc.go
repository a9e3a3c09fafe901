// Package specdrift tells whether Dfns changed the one operation this module
// is generated from, POST /auth/credentials/code/init, since openapi.yaml was
// vendored.
//
// It reads an upstream OpenAPI 3 document (a file or an https URL; usually
// the whole Dfns API, where the operation is spread over $refs into
// components), extracts the operation with everything it references resolved
// inline, and compares it with the vendored operation semantically: YAML or
// JSON formatting, key order, the order of oneOf branches and the wording of
// description, summary, title, example(s), externalDocs, tags, operationId
// and x-* extensions do not count. The comparison runs over plain trees
// (maps, lists, scalars) built from the resolved documents.
//
// # Changes
//
// Each difference is a [Change]: a [Class], a pointer, whether it is
// breaking, and a short detail. Breaking means adopting the change takes more
// than regenerating: the overlay (openapi.overlay.yaml) fails or must change,
// a generated type or field changes or disappears, a field changes
// requiredness, or requests the client sends today may be refused. The other
// changes are additive: regenerating is enough. A new oneOf variant is
// additive on the wire but is flagged in its detail: the overlay's fixed
// discriminator mapping would drop it silently until it is updated.
//
// info.version alone is a note, not drift.
//
// # Pointers
//
// A change's pointer is an RFC 6901 JSON pointer into the vendored document's
// shape (the operation inline, refs resolved), with one extension: a oneOf
// branch that has a kind (properties.kind.enum[0], or properties.kind.const)
// is addressed by its kind, not its index, so that the pointer survives a
// reordering upstream:
//
//	/paths/~1auth~1credentials~1code~1init/post/responses/200/content/application~1json/schema/oneOf[kind=Fido2]/properties/challenge
//
// The token "oneOf[kind=Fido2]" stands for the two RFC 6901 tokens "oneOf/<i>"
// where i is the index of the branch whose kind is Fido2. A branch without a
// kind keeps its index ("oneOf/2"). Inside a kind, "/" and "~" are escaped as
// ~1 and ~0, like any token. Changes to servers point at /servers; changes to
// security at the security list that applies to the operation.
//
// # Exit codes
//
// [Run] returns 0 when there is no drift, 1 when there is, and 2 when it could
// not decide: bad flags, unreadable or oversized input, a network failure, a
// document that is not OpenAPI 3, an unresolvable, external or cyclic $ref,
// or an upstream without the operation. Then the reason goes to stderr and
// nothing to stdout, with or without -json.
package specdrift
