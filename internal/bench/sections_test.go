package bench

import (
	"strings"
	"testing"
)

func TestReplaceSection(t *testing.T) {
	doc := replaceSection("", "sync", "sync v1")
	if !strings.HasPrefix(doc, "# Benchmarks") || !strings.Contains(doc, "<!-- begin sync -->\nsync v1\n<!-- end sync -->") {
		t.Fatalf("new file:\n%s", doc)
	}
	doc = replaceSection(doc, "receiver", "receiver v1")
	doc = replaceSection(doc, "sync", "sync v2\n\nRatio at N=10000: 1.05")
	if strings.Contains(doc, "sync v1") || !strings.Contains(doc, "sync v2") || !strings.Contains(doc, "receiver v1") {
		t.Fatalf("replace kept the old body or lost the other section:\n%s", doc)
	}
	if strings.Index(doc, "sync v2") > strings.Index(doc, "receiver v1") {
		t.Fatalf("sections changed order:\n%s", doc)
	}
	if again := replaceSection(doc, "sync", "sync v2\n\nRatio at N=10000: 1.05"); again != doc {
		t.Fatalf("rewriting the same body is not stable:\n%s\n---\n%s", doc, again)
	}
}
