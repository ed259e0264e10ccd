package partnercenter

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// PatchOp is one RFC 6902 operation. Partner Center supports only "replace"
// and "add". Value is always written (null included), as RFC 6902 requires.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// Patch op names Partner Center accepts.
const (
	OpReplace = "replace"
	OpAdd     = "add"
)

// Replace returns {"op":"replace","path":path,"value":v}.
func Replace(path string, v any) PatchOp { return PatchOp{Op: OpReplace, Path: path, Value: v} }

// Add returns {"op":"add","path":path,"value":v}.
func Add(path string, v any) PatchOp { return PatchOp{Op: OpAdd, Path: path, Value: v} }

// Append returns an add to the end of the array at path ("/team" → "/team/-").
func Append(path string, v any) PatchOp {
	return PatchOp{Op: OpAdd, Path: strings.TrimRight(path, "/") + "/-", Value: v}
}

// ValidatePatch rejects an empty patch, ops other than replace/add and paths
// that are not JSON Pointers.
func ValidatePatch(ops []PatchOp) error {
	if len(ops) == 0 {
		return errors.New("partnercenter: patch has no operations")
	}
	for i, op := range ops {
		if op.Op != OpReplace && op.Op != OpAdd {
			return fmt.Errorf("partnercenter: patch op %d: %q is not supported (only replace and add)", i, op.Op)
		}
		// A pointer that is not valid UTF-8 would be sent with U+FFFD in
		// place of its bad bytes, i.e. aimed at another member.
		if !strings.HasPrefix(op.Path, "/") || len(op.Path) < 2 || !utf8.ValidString(op.Path) {
			return fmt.Errorf("partnercenter: patch op %d: path %q is not a JSON Pointer", i, op.Path)
		}
	}
	return nil
}

// patchIsIdempotent: re-applying replace and add-to-member ops yields the same
// document; an append ("/-") would add a second element.
func patchIsIdempotent(ops []PatchOp) bool {
	for _, op := range ops {
		if op.Op == OpAdd && strings.HasSuffix(op.Path, "/-") {
			return false
		}
	}
	return true
}
