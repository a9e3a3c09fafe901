package dfnstest

import (
	"cmp"
	"log/slog"
	"math"
	"slices"
	"time"
)

// bounded is the sandbox's memory of one kind of thing (codes, challenges,
// credentials): a map whose entries are forgotten when they expire and whose
// size has a ceiling. It is not safe for concurrent use: its owner locks.
//
// Expired entries are swept every sweepEvery of the sandbox's clock, on an
// insert. An insert into a full store sweeps too, then, if the store is
// still over three quarters full, drops the disposable entries (used codes
// and challenges, which only tell "used" from "unknown") and then the oldest
// ones, down to three quarters: an insert costs O(1) amortised. What is
// evicted answers as what has expired (or was never issued) does, and the
// debug log says so.
type bounded[K comparable, V any] struct {
	name string // "codes", "challenges", "credentials": for the log
	max  int
	log  *slog.Logger
	// disposable reports whether an entry may go before the others when
	// the store is full; nil: none is.
	disposable func(V) bool
	// removed, if set, is told of every entry swept or evicted.
	removed func(K, V)

	m         map[K]slot[V]
	seq       uint64
	nextSweep int64 // UnixNano
}

// slot is an entry with its time to forget and its insertion order.
type slot[V any] struct {
	v      V
	forget int64 // UnixNano; math.MaxInt64: never
	seq    uint64
}

// sweepEvery is how often, on the sandbox's clock, an insert sweeps the
// expired entries.
const sweepEvery = 30 * time.Second

// never is the forget time of an entry that does not expire.
var never = time.Unix(0, math.MaxInt64)

// get returns k's entry, expired or not.
func (b *bounded[K, V]) get(k K) (V, bool) {
	s, ok := b.m[k]
	return s.v, ok
}

// set replaces the value of k's entry, if there is one, keeping its place.
func (b *bounded[K, V]) set(k K, v V) {
	if s, ok := b.m[k]; ok {
		s.v = v
		b.m[k] = s
	}
}

// len is the number of entries.
func (b *bounded[K, V]) len() int { return len(b.m) }

// put inserts (or replaces) k, forgotten at forget, and returns its
// sequence number (1, 2, …: the order of inserts).
func (b *bounded[K, V]) put(k K, v V, forget, now time.Time) uint64 {
	if b.m == nil {
		b.m = make(map[K]slot[V])
	}
	if _, ok := b.m[k]; !ok && (len(b.m) >= b.max || now.UnixNano() >= b.nextSweep) {
		b.sweep(now)
	}
	b.seq++
	b.m[k] = slot[V]{v: v, forget: forget.UnixNano(), seq: b.seq}
	return b.seq
}

// sweep forgets the expired entries and, if the store is full, evicts.
func (b *bounded[K, V]) sweep(now time.Time) {
	t := now.UnixNano()
	b.nextSweep = now.Add(sweepEvery).UnixNano()
	n := len(b.m)
	defer func() {
		if len(b.m) < n {
			b.compact()
		}
	}()
	for k, s := range b.m {
		if s.forget <= t {
			b.remove(k, s)
		}
	}
	if len(b.m) < b.max {
		return
	}
	target := min(b.max-1, b.max*3/4)
	disposed := 0
	if b.disposable != nil {
		for k, s := range b.m {
			if b.disposable(s.v) {
				b.remove(k, s)
				disposed++
			}
		}
	}
	evicted := 0
	if len(b.m) > target {
		// The entries newer than cutoff are at most target.
		cutoff := b.seq - uint64(target)
		for k, s := range b.m {
			if s.seq <= cutoff {
				b.remove(k, s)
				evicted++
			}
		}
	}
	b.log.Debug("dfnstest: the sandbox's store is full: what it forgot answers as expired from now on",
		"store", b.name, "max", b.max, "usedForgotten", disposed, "liveEvicted", evicted)
}

// compact copies the entries into a new map. A Go map never shrinks, and
// its deleted slots are not reused as such: under the churn of a sandbox
// running for hours (inserts and deletes at the ceiling) a map kept in place
// grows without end (go1.26's internal/runtime/maps always grows on
// rehash). Sweeps are O(n) already; the copy keeps the memory proportional
// to what is remembered.
func (b *bounded[K, V]) compact() {
	m := make(map[K]slot[V], len(b.m))
	for k, s := range b.m {
		m[k] = s
	}
	b.m = m
}

func (b *bounded[K, V]) remove(k K, s slot[V]) {
	delete(b.m, k)
	if b.removed != nil {
		b.removed(k, s.v)
	}
}

// values returns the values, oldest insert first.
func (b *bounded[K, V]) values() []V {
	slots := make([]slot[V], 0, len(b.m))
	for _, s := range b.m {
		slots = append(slots, s)
	}
	slices.SortFunc(slots, func(a, b slot[V]) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]V, len(slots))
	for i, s := range slots {
		out[i] = s.v
	}
	return out
}
