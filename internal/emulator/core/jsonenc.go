package core

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// JSONAppender is a type that appends its own encoding (the bytes
// encoding/json would write for it), e.g. a response page struct.
type JSONAppender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// AppendJSON appends the JSON encoding of v to dst: the same bytes as a
// json.Encoder with SetEscapeHTML(false) writes, without its trailing
// newline. Generic JSON trees (map[string]any, []any, []map[string]any,
// strings, numbers, bools, nil) and JSONAppenders are encoded directly,
// without reflection or per-value allocation (big list pages are made of
// them); any other type is handed to encoding/json. On error nothing useful
// is appended: callers drop the result.
func AppendJSON(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case JSONAppender:
		return x.AppendJSON(dst)
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendJSONString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case float64:
		// encoding/json's float format ('e' outside [1e-6, 1e21)) is only
		// reproduced for the common range.
		if abs := math.Abs(x); abs == 0 || (abs >= 1e-6 && abs < 1e21) {
			return strconv.AppendFloat(dst, x, 'f', -1, 64), nil
		}
	case json.Number:
		if s := x.String(); validJSONNumber(s) {
			return append(dst, s...), nil
		}
	case map[string]any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendJSONObject(dst, x)
	case []any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = AppendJSON(dst, e); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case []map[string]any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = AppendJSON(dst, e); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	}
	return appendStdJSON(dst, v)
}

// keysPool recycles the key slices objects are sorted with.
var keysPool = sync.Pool{New: func() any { return new([]string) }}

// appendJSONObject writes members in key order, as encoding/json does.
func appendJSONObject(dst []byte, m map[string]any) ([]byte, error) {
	kp := keysPool.Get().(*[]string)
	keys := (*kp)[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		if dst, err = AppendJSON(dst, m[k]); err != nil {
			break
		}
	}
	clear(keys)
	*kp = keys[:0]
	keysPool.Put(kp)
	if err != nil {
		return dst, err
	}
	return append(dst, '}'), nil
}

// appendStdJSON encodes v with encoding/json (HTML characters unescaped).
func appendStdJSON(dst []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// \" \\ \b \f \n \r \t, other control characters as \u00XX, invalid UTF-8
// as \ufffd, and U+2028/U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// validJSONNumber is the JSON number grammar (RFC 7159 §6); encoding/json
// refuses a json.Number outside it (and writes "" as 0, left to it here).
func validJSONNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	switch {
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		s = s[1:]
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	default:
		return false
	}
	if len(s) >= 2 && s[0] == '.' && '0' <= s[1] && s[1] <= '9' {
		s = s[2:]
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
			if s == "" {
				return false
			}
		}
		for len(s) > 0 && '0' <= s[0] && s[0] <= '9' {
			s = s[1:]
		}
	}
	return s == ""
}

// jsonBufs keeps a few response buffers for reuse (pages of thousands of
// rows are megabytes; growing a fresh buffer for each was most of their
// garbage). A bounded free list rather than a sync.Pool: a pool is emptied
// by every GC cycle, which big pages trigger.
var jsonBufs = make(chan []byte, 4)

// maxPooledJSON bounds the buffers kept for reuse.
const maxPooledJSON = 16 << 20

// EncodeJSON calls write with the encoding of v (as AppendJSON) in a
// recycled buffer, which write must not keep. On an encoding error write
// is not called and the error is returned.
func EncodeJSON(v any, write func([]byte)) error {
	var buf []byte
	select {
	case buf = <-jsonBufs:
	default:
	}
	b, err := AppendJSON(buf[:0], v)
	if err == nil {
		write(b)
	}
	if cap(b) <= maxPooledJSON {
		select {
		case jsonBufs <- b[:0]:
		default:
		}
	}
	return err
}
