// Package testdirs makes folders with properties tests need.
package testdirs

import (
	"os"
	"path/filepath"
	"testing"
)

// Unwritable returns a folder the test process cannot create files in: a
// read-only folder, or, as root (whom permissions do not stop), a path under
// a regular file.
func Unwritable(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		f := filepath.Join(dir, "not-a-folder")
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	ro := filepath.Join(dir, "read-only")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	return ro
}
