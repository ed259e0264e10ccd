package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"https://127.0.0.1:8443": "https://127.0.0.1:8443",
		"emulator-client-secret": "emulator-client-secret",
		"a b":                    "'a b'",
		"it's":                   `'it'"'"'s'`,
		"":                       "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestRunRejectsABadScenario(t *testing.T) {
	var stderr strings.Builder
	err := run([]string{"-scenario", filepath.Join(t.TempDir(), "missing.json"), "-dir", t.TempDir()}, io.Discard, &stderr)
	if err == nil {
		t.Fatal("missing scenario file accepted")
	}
	if err := run([]string{"-nope"}, io.Discard, &stderr); err == nil {
		t.Fatal("unknown flag accepted")
	}
}
