package dataverse

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// seqDoer answers requests in turn and records the URLs asked.
type seqDoer struct {
	bodies []string
	urls   []*url.URL
	prefer []string
}

func (d *seqDoer) Do(r *http.Request) (*http.Response, error) {
	d.urls = append(d.urls, r.URL)
	d.prefer = append(d.prefer, r.Header.Get(HeaderPrefer))
	body := `{"value":[]}`
	if n := len(d.urls) - 1; n < len(d.bodies) {
		body = d.bodies[n]
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// FuzzQueryNextLink: whatever @odata.nextLink a server sends, the client
// follows it only on the organisation's scheme and host (the bearer token
// never leaves), with the same Prefer header, and stops on a repeated link.
// `go test` runs the seeds; `make fuzz` explores for a bounded time.
func FuzzQueryNextLink(f *testing.F) {
	for _, s := range []string{
		"https://org.example.test/api/data/v9.2/accounts?$skiptoken=%3Ccookie%20pagenumber=%222%22/%3E",
		"https://ORG.example.test/api/data/v9.2/accounts?$skiptoken=1",
		"https://org.example.test:443/api/data/v9.2/accounts",
		"http://org.example.test/api/data/v9.2/accounts",
		"https://evil.example/api/data/v9.2/accounts",
		"https://org.example.test@evil.example/",
		"https://evil.example\\@org.example.test/",
		"//org.example.test/x",
		"/api/data/v9.2/accounts?$skiptoken=1",
		"%zz",
		"https://org.example.test/api/data/v9.2/accounts?$skiptoken=1#frag",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, link string) {
		page, _ := json.Marshal(map[string]any{"value": []any{map[string]any{"accountid": "a"}}, "@odata.nextLink": link})
		d := &seqDoer{bodies: []string{string(page), string(page)}}
		c := New(d, "https://org.example.test/")
		var rows int
		err := c.Query(context.Background(), "accounts", Query{Select: []string{"name"}, MaxPageSize: 10}, func(p []Record) error {
			rows += len(p)
			return nil
		})
		for i, u := range d.urls {
			if !strings.EqualFold(u.Scheme, "https") || !strings.EqualFold(u.Host, "org.example.test") {
				t.Fatalf("request %d went to %s (nextLink %q)", i, u, link)
			}
			if d.prefer[i] != "odata.maxpagesize=10" {
				t.Fatalf("request %d Prefer = %q", i, d.prefer[i])
			}
		}
		if len(d.urls) > 3 {
			t.Fatalf("%d requests for a repeated nextLink %q", len(d.urls), link)
		}
		if link == "" && (err != nil || len(d.urls) != 1 || rows != 1) {
			t.Fatalf("no nextLink: err %v, %d requests, %d rows", err, len(d.urls), rows)
		}
	})
}
