package soak

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
)

// sandboxCounter is a slog.Handler given to the sandbox with WithLogger: it
// counts what the sandbox says it did, one line per request (its path,
// status and reason) and one debug line per minted code, in constant
// memory. Requests cannot serve here: it keeps only the most recent
// dfnstest.MaxRecordedRequests records.
type sandboxCounter struct {
	minted atomic.Int64

	mu       sync.Mutex
	requests map[string]int64 // "path status reason" -> count
}

func newSandboxCounter() *sandboxCounter {
	return &sandboxCounter{requests: make(map[string]int64)}
}

// Enabled takes every level: the mint line is at debug level.
func (c *sandboxCounter) Enabled(context.Context, slog.Level) bool { return true }

// Handle counts a line; the sandbox's lines carry no group and no
// pre-bound attributes.
func (c *sandboxCounter) Handle(_ context.Context, r slog.Record) error {
	var path, status, reason string
	var codeID bool
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "path":
			path = a.Value.String()
		case "status":
			status = a.Value.String()
		case "reason":
			reason = a.Value.String()
		case "codeId":
			codeID = true
		}
		return true
	})
	switch {
	case codeID:
		c.minted.Add(1)
	case path != "" && status != "":
		key := path + " " + status
		if reason != "" {
			key += " " + strconv.Quote(reason)
		}
		c.mu.Lock()
		c.requests[key]++
		c.mu.Unlock()
	}
	return nil
}

// WithAttrs and WithGroup are not used by the sandbox.
func (c *sandboxCounter) WithAttrs([]slog.Attr) slog.Handler { return c }

// WithGroup is not used by the sandbox.
func (c *sandboxCounter) WithGroup(string) slog.Handler { return c }

// snapshot returns a copy of the request counts.
func (c *sandboxCounter) snapshot() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.requests))
	for k, v := range c.requests {
		out[k] = v
	}
	return out
}
