package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// secretFile is register's --out: the new credential's only secret, written
// so that no run can lose it or leave a file that blocks the next run.
//
// The secret goes to a temporary file in --out's directory (0600), is
// synced, and appears under its name, through os.Link, just before verify
// is sent: a link is atomic and, unlike a rename, refuses to replace a file
// that exists. So --out exists exactly when the credential may exist: a run
// killed earlier leaves at most a hidden ".NAME.tmp-*" file (a key nothing
// was registered with), never an empty or partial --out that blocks the
// next run; killed later, --out is complete. Where the
// file system has no hard links, --out is created with O_EXCL and written
// in place instead.
type secretFile struct {
	path   string
	tmp    *os.File
	secret []byte
}

// errOutExists is an --out that is already there.
var errOutExists = errors.New("exists")

// reserveSecretFile checks, before any request, that path does not exist
// and that its directory takes a new file.
func reserveSecretFile(path string) (*secretFile, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("--out %s %w: refusing to overwrite it; choose another name", path, errOutExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("--out %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("--out %s: cannot write in its directory: %w", path, errors.Unwrap(err))
	}
	return &secretFile{path: path, tmp: tmp}, nil
}

// write stores secret, synced, in the temporary file: on disk, not yet
// under its name.
func (s *secretFile) write(secret []byte) error {
	s.secret = secret
	if err := writeSync(s.tmp, secret); err != nil {
		s.discard()
		return fmt.Errorf("writing the secret next to --out %s: %w", s.path, err)
	}
	return nil
}

// publish gives the written secret its name. An error means path was not
// created (or, in the fallback, was removed again).
func (s *secretFile) publish() error {
	tmp := s.tmp.Name()
	err := os.Link(tmp, s.path)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		err = s.writeInPlace(s.secret) // no hard links here
	}
	os.Remove(tmp)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("--out %s %w (created meanwhile): refusing to overwrite it", s.path, errOutExists)
	}
	if err != nil {
		return fmt.Errorf("writing --out %s: %w", s.path, err)
	}
	syncDir(filepath.Dir(s.path))
	return nil
}

// writeInPlace is publish where os.Link fails.
func (s *secretFile) writeInPlace(secret []byte) error {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := writeSync(f, secret); err != nil {
		os.Remove(s.path)
		return err
	}
	return nil
}

// discard removes the temporary file: nothing was published.
func (s *secretFile) discard() {
	s.tmp.Close()
	os.Remove(s.tmp.Name())
}

// remove deletes a published --out: only for a flow that certainly
// registered nothing, whose secret is worthless.
func (s *secretFile) remove() { os.Remove(s.path) }

// writeSync writes b to f, syncs and closes it.
func writeSync(f *os.File, b []byte) error {
	_, err := f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a new directory entry durable where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
