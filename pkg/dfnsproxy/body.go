package dfnsproxy

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
)

// body is a request or answer body as the proxy read it.
type body struct {
	data     []byte // at most maxBody bytes, decoded if it was gzip
	over     bool   // longer than limit: data is only its start
	limit    int64  // how much the proxy reads
	readErr  error  // the body ended early
	encoding string // a Content-Encoding other than gzip or identity
}

// read reads at most maxBody bytes of a body to check it, and returns them
// (gzip decoded) with the reader that gives the client or the upstream the
// body exactly as it came: the bytes read, then the rest, or the read error.
func (p *Proxy) read(rc io.Reader, h http.Header) (body, io.Reader) {
	if rc == nil || rc == http.NoBody {
		return body{}, http.NoBody
	}
	raw, over, err := readAtMost(rc, p.cfg.maxBody)
	rest := io.MultiReader(bytes.NewReader(raw), rc)
	if err != nil {
		rest = io.MultiReader(bytes.NewReader(raw), errReader{err})
	}
	b := body{data: raw, over: over, readErr: err, limit: p.cfg.maxBody}
	switch enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		if b.over || b.readErr != nil {
			break
		}
		zr, zerr := gzip.NewReader(bytes.NewReader(raw))
		if zerr != nil {
			b.data = nil // not gzip: fails as JSON
			break
		}
		b.data, b.over, b.readErr = readAtMost(zr, p.cfg.maxBody)
	default:
		b.encoding = enc
	}
	return b, rest
}

// readAtMost reads up to limit bytes; over reports that more follow.
func readAtMost(r io.Reader, limit int64) (data []byte, over bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data, true, err
	}
	return data, false, err
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
