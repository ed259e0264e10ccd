package core

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// stdJSON is what the services wrote before AppendJSON: a json.Encoder
// without HTML escaping, trailing newline trimmed.
func stdJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func checkSameAsStd(t *testing.T, v any) {
	t.Helper()
	want, werr := stdJSON(v)
	got, gerr := AppendJSON(nil, v)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%#v: error %v, encoding/json error %v", v, gerr, werr)
	}
	if werr == nil && !bytes.Equal(got, want) {
		t.Fatalf("%#v:\n got %s\nwant %s", v, got, want)
	}
}

var specialStrings = []string{
	"", "plain", `quote " and \ backslash`, "<a href='x'>&amp;</a>", "tab\tnew\nline\rret\bback\fform",
	"\x00\x01\x1f\x7f", "Zürich ✓ 日本", "\u2028\u2029", "bad \xff\xfe utf8", "\xe2\x82", "emoji 😀",
}

// TestAppendJSONMatchesEncodingJSON: every byte value, the special strings
// and random generic trees encode exactly as encoding/json does.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	for b := range 256 {
		checkSameAsStd(t, "x"+string([]byte{byte(b)})+"y")
	}
	for _, s := range specialStrings {
		checkSameAsStd(t, s)
		checkSameAsStd(t, map[string]any{s: s})
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 48000, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1)} {
		checkSameAsStd(t, f)
	}
	for _, n := range []json.Number{"", "0", "-0", "12", "1.5e+10", "01", "1.", "abc", "-", "1e", "2E-3"} {
		checkSameAsStd(t, n)
		checkSameAsStd(t, []any{n})
	}
	checkSameAsStd(t, map[string]any(nil))
	checkSameAsStd(t, []any(nil))
	checkSameAsStd(t, []map[string]any(nil))
	checkSameAsStd(t, []map[string]any{{"b": 1, "a": int64(-2)}, nil, {}})
	type page struct {
		Context string `json:"@odata.context"`
		At      time.Time
	}
	checkSameAsStd(t, map[string]any{"struct": page{Context: "<x>", At: time.Unix(0, 0).UTC()}, "ints": []int{1, 2}, "ch": make(chan int)})

	rng := rand.New(rand.NewPCG(1, 2))
	var gen func(depth int) any
	gen = func(depth int) any {
		switch k := rng.IntN(10); {
		case k == 0 && depth < 4:
			m := map[string]any{}
			for range rng.IntN(6) {
				m[specialStrings[rng.IntN(len(specialStrings))]+strings.Repeat("k", rng.IntN(3))] = gen(depth + 1)
			}
			return m
		case k == 1 && depth < 4:
			var a []any
			for range rng.IntN(5) {
				a = append(a, gen(depth+1))
			}
			return a
		case k == 2:
			return specialStrings[rng.IntN(len(specialStrings))]
		case k == 3:
			return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(50)-25))
		case k == 4:
			return rng.Int64() - rng.Int64()
		case k == 5:
			return rng.IntN(2) == 0
		case k == 6:
			return nil
		case k == 7:
			return json.Number([]string{"1", "-2.5", "3e7", "x1"}[rng.IntN(4)])
		default:
			return rng.IntN(1000)
		}
	}
	for range 2000 {
		checkSameAsStd(t, gen(0))
	}
}

// FuzzAppendJSONString: any string encodes as encoding/json encodes it.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range specialStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSameAsStd(t, map[string]any{s: []any{s, json.Number(s)}})
	})
}

func TestEncodeJSONReusesBuffersAndReportsErrors(t *testing.T) {
	var got []byte
	if err := EncodeJSON(map[string]any{"a": 1}, func(b []byte) { got = append(got, b...) }); err != nil || string(got) != `{"a":1}` {
		t.Fatalf("EncodeJSON = %s, %v", got, err)
	}
	called := false
	if err := EncodeJSON(math.NaN(), func([]byte) { called = true }); err == nil || called {
		t.Fatalf("NaN: err %v, write called %v; want an error and no write", err, called)
	}
}
