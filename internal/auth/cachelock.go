package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// Several provider processes (parallel workspaces, CI jobs on one runner)
// may share one token_cache_file. With single-use rotation, two of them
// redeeming the same refresh token would break the chain, so each
// redemption holds an exclusive lock on "<token_cache_file>.lock" (flock(2)
// on Unix, LockFileEx on Windows, through github.com/gofrs/flock) from
// before it re-reads the file until the rotated token is saved. The lock
// file stays next to the cache file: removing it would let two processes
// lock two different files.

// cacheLockPoll is how often a waiting process tries the lock again.
const cacheLockPoll = 25 * time.Millisecond

// inProcess serializes the provider configurations (aliases) of one process
// on a path, so they wait on a mutex rather than poll the file lock.
var inProcess sync.Map // path -> *sync.Mutex

// lockCacheFile locks path against other processes and checks that the
// rotated token can be saved there, before any token is redeemed. It
// returns the unlock function; without a path it does nothing.
func lockCacheFile(ctx context.Context, path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	mu, _ := inProcess.LoadOrStore(path, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	fail := func(err error) (func(), error) {
		mu.(*sync.Mutex).Unlock()
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(unwritableCache(path, err))
	}
	fl := flock.New(path+".lock", flock.SetPermissions(0o600))
	ok, err := fl.TryLockContext(ctx, cacheLockPoll)
	if err != nil || !ok {
		if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fail(fmt.Errorf("waiting for another run to release %s %s: %v", Hint(AttrTokenCacheFile), path+".lock", ctx.Err()))
		}
		return fail(unwritableCache(path, err))
	}
	unlock := func() {
		_ = fl.Unlock()
		mu.(*sync.Mutex).Unlock()
	}
	if err := checkWritable(path); err != nil {
		unlock()
		return nil, unwritableCache(path, err)
	}
	return unlock, nil
}

// checkWritable proves that writeFileAtomic will succeed: a temporary file
// can be created in the folder (the rename needs nothing more), and path is
// not a folder.
func checkWritable(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder", path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	probe, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".probe-*")
	if err != nil {
		return err
	}
	name := probe.Name()
	_ = probe.Close()
	return os.Remove(name)
}

// unwritableCache is the error for a cache file that cannot be saved: no
// refresh token was redeemed, so the chain is intact.
func unwritableCache(path string, err error) error {
	return fmt.Errorf("%s %s cannot be written (%v). The provider saves every rotated refresh token there before it uses the next one, "+
		"so it has not redeemed the refresh token and the token chain is intact. Make the folder %s writable for the user running the provider, "+
		"or point token_cache_file at a file in a writable folder",
		Hint(AttrTokenCacheFile), path, err, filepath.Dir(path))
}
