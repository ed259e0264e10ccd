package dataverse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// batchPart is one request of a test batch.
type batchPart struct {
	method, url, body, contentID string
}

// buildBatch writes a multipart body; sets are change sets (nil = plain part).
func buildBatch(items [][]batchPart, sets []bool) string {
	var b strings.Builder
	writeReq := func(bd string, p batchPart) {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n", bd)
		if p.contentID != "" {
			fmt.Fprintf(&b, "Content-ID: %s\r\n", p.contentID)
		}
		fmt.Fprintf(&b, "\r\n%s %s HTTP/1.1\r\n", p.method, p.url)
		if p.body != "" {
			fmt.Fprintf(&b, "Content-Type: application/json; type=entry\r\n\r\n%s\r\n", p.body)
		} else {
			b.WriteString("\r\n\r\n")
		}
	}
	for i, it := range items {
		if sets[i] {
			fmt.Fprintf(&b, "--batch_t\r\nContent-Type: multipart/mixed; boundary=\"changeset_%d\"\r\n\r\n", i)
			for _, p := range it {
				writeReq(fmt.Sprintf("changeset_%d", i), p)
			}
			fmt.Fprintf(&b, "--changeset_%d--\r\n", i)
		} else {
			writeReq("batch_t", it[0])
		}
	}
	b.WriteString("--batch_t--\r\n")
	return b.String()
}

// partResp is one parsed response part.
type partResp struct {
	status    int
	contentID string
	header    http.Header
	body      string
}

// parseBatchResponse flattens a batch response (change sets included).
func parseBatchResponse(t *testing.T, r *resp) []partResp {
	t.Helper()
	_, params, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(params["boundary"], "batchresponse_") {
		t.Fatalf("batch response content type %q", r.header.Get("Content-Type"))
	}
	return readParts(t, bytes.NewReader(r.raw), params["boundary"])
}

func readParts(t *testing.T, rd io.Reader, boundary string) []partResp {
	var out []partResp
	mr := multipart.NewReader(rd, boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		ct := p.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/mixed") {
			_, params, _ := mime.ParseMediaType(ct)
			if !strings.HasPrefix(params["boundary"], "changesetresponse_") {
				t.Fatalf("change set boundary %q", params["boundary"])
			}
			out = append(out, readParts(t, p, params["boundary"])...)
			continue
		}
		res, err := http.ReadResponse(bufio.NewReader(p), nil)
		if err != nil {
			t.Fatalf("part response: %v", err)
		}
		body, _ := io.ReadAll(res.Body)
		out = append(out, partResp{status: res.StatusCode, contentID: p.Header.Get("Content-ID"), header: res.Header, body: string(body)})
	}
}

func (h *harness) batch(body string, headers ...string) *resp {
	return h.do("POST", "$batch", body, append([]string{"Content-Type: multipart/mixed; boundary=\"batch_t\""}, headers...)...)
}

func TestBatchPlainRequests(t *testing.T) {
	h := newDefault(t)
	body := buildBatch([][]batchPart{
		{{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"Batch A"}`}},
		{{method: "POST", url: h.srv.URL + "/api/data/v9.2/accounts", body: `{"name":"Batch B"}`}},
		{{method: "GET", url: "/api/data/v9.2/accounts?$select=name&$filter=startswith(name,'Batch')"}},
	}, []bool{false, false, false})
	r := h.must(h.batch(body), 200)
	parts := parseBatchResponse(t, r)
	if len(parts) != 3 || parts[0].status != 204 || parts[1].status != 204 || parts[2].status != 200 {
		t.Fatalf("parts %+v", parts)
	}
	if !strings.Contains(parts[0].header.Get("OData-EntityId"), "/api/data/v9.2/accounts(") || parts[0].header.Get("Location") == "" {
		t.Fatalf("create part headers %v", parts[0].header)
	}
	if !strings.Contains(parts[2].body, "Batch A") || !strings.Contains(parts[2].body, "Batch B") {
		t.Fatalf("GET part %s", parts[2].body)
	}
}

func TestBatchChangeSetAtomicAndContentIDs(t *testing.T) {
	h := newDefault(t)
	ok := buildBatch([][]batchPart{{
		{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"CS Account"}`, contentID: "1"},
		{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"CS Contact","parentcustomerid_account@odata.bind":"$1"}`, contentID: "2"},
		{method: "PATCH", url: "$1", body: `{"primarycontactid@odata.bind":"$2"}`, contentID: "3"},
		{method: "PUT", url: "$2/firstname", body: `{"value":"Chris"}`, contentID: "4"},
	}}, []bool{true})
	parts := parseBatchResponse(t, h.must(h.batch(ok), 200))
	if len(parts) != 4 || parts[0].contentID != "1" || parts[3].status != 204 {
		t.Fatalf("parts %+v", parts)
	}
	accID := parts[0].header.Get("OData-EntityId")
	accID = accID[strings.LastIndex(accID, "(")+1 : len(accID)-1]
	acc, _ := h.svc.Record("accounts", accID)
	contactID, _ := acc["_primarycontactid_value"].(string)
	contact, _ := h.svc.Record("contacts", contactID)
	if contact["firstname"] != "Chris" || contact["_parentcustomerid_value"] != accID {
		t.Fatalf("account %v contact %v", acc, contact)
	}

	before := len(h.svc.Records("accounts"))
	bad := buildBatch([][]batchPart{{
		{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"Rolled back"}`, contentID: "1"},
		{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"` + strings.Repeat("x", 200) + `"}`, contentID: "2"},
	}}, []bool{true})
	r := h.batch(bad)
	if r.status != 400 {
		t.Fatalf("status %d %s", r.status, r.raw)
	}
	parts = parseBatchResponse(t, r)
	if len(parts) != 1 || parts[0].status != 400 || !strings.Contains(parts[0].body, codeValidation) || parts[0].contentID != "2" {
		t.Fatalf("failed change set parts %+v", parts)
	}
	if after := len(h.svc.Records("accounts")); after != before {
		t.Fatalf("change set not rolled back: %d → %d accounts", before, after)
	}
	// Referencing an undeclared Content-ID.
	undeclared := buildBatch([][]batchPart{{{method: "PATCH", url: "$9", body: `{"name":"x"}`, contentID: "1"}}}, []bool{true})
	parts = parseBatchResponse(t, h.batch(undeclared))
	if parts[0].status != 400 || !strings.Contains(parts[0].body, "Content-ID Reference: '$9' does not exist in the batch context.") {
		t.Fatalf("undeclared $9: %+v", parts)
	}
	// GET is not allowed in a change set.
	get := buildBatch([][]batchPart{{{method: "GET", url: "/api/data/v9.2/accounts"}}}, []bool{true})
	parts = parseBatchResponse(t, h.batch(get))
	if parts[0].status != 400 {
		t.Fatalf("GET in change set: %+v", parts)
	}
}

func TestBatchStopsOrContinuesOnError(t *testing.T) {
	h := newDefault(t)
	items := [][]batchPart{
		{{method: "POST", url: "/api/data/v9.2/leads", body: `{"subject":"` + strings.Repeat("s", 301) + `","lastname":"x"}`}},
		{{method: "POST", url: "/api/data/v9.2/leads", body: `{"subject":"Lead 2","lastname":"x"}`}},
		{{method: "POST", url: "leads", body: `{"subject":"Lead 3","lastname":"x"}`}},
	}
	body := buildBatch(items, []bool{false, false, false})
	r := h.batch(body)
	parts := parseBatchResponse(t, r)
	if r.status != 400 || len(parts) != 1 || parts[0].status != 400 {
		t.Fatalf("stop on error: %d %+v", r.status, parts)
	}
	if len(h.svc.Records("leads")) != 0 {
		t.Fatal("requests after the error must not run")
	}
	r = h.batch(body, "Prefer: odata.continue-on-error")
	parts = parseBatchResponse(t, r)
	if r.status != 200 || len(parts) != 3 || parts[0].status != 400 || parts[1].status != 204 || parts[2].status != 204 {
		t.Fatalf("continue on error: %d %+v", r.status, parts)
	}
	if n := len(h.svc.Records("leads")); n != 2 {
		t.Fatalf("%d leads", n)
	}
}

func TestBatchRequiresCRLF(t *testing.T) {
	h := newDefault(t)
	body := buildBatch([][]batchPart{{{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"LF"}`}}}, []bool{false})
	lf := strings.ReplaceAll(body, "\r\n", "\n")
	r := h.mustErr(h.batch(lf), 400, codeODataPayload)
	if !strings.Contains(r.errMsg(), "Stream was not readable") {
		t.Fatalf("message %q", r.errMsg())
	}
	h.mustErr(h.do("POST", "$batch", body, "Content-Type: multipart/mixed"), 400, codeODataPayload)
}

func TestBatchLimitOf1000(t *testing.T) {
	h := newDefault(t)
	items := make([][]batchPart, 1001)
	sets := make([]bool, 1001)
	for i := range items {
		items[i] = []batchPart{{method: "GET", url: "/api/data/v9.2/WhoAmI"}}
	}
	h.mustErr(h.batch(buildBatch(items, sets)), 400, codeODataPayload)
	items, sets = items[:1000], sets[:1000]
	h.must(h.batch(buildBatch(items, sets)), 200)
}
