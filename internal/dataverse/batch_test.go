package dataverse

import (
	"bufio"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

// crlf turns a readable multi-line literal into CRLF line endings.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// assertCRLF fails if the body has a bare LF.
func assertCRLF(t *testing.T, body []byte) {
	t.Helper()
	for i, c := range body {
		if c == '\n' && (i == 0 || body[i-1] != '\r') {
			t.Fatalf("bare LF at byte %d:\n%q", i, body)
		}
	}
}

// operation is one application/http part as a server would read it.
type operation struct {
	partHeader map[string][]string
	req        opRequest
	body       string
}

type opRequest struct {
	Method, RequestURI, Proto string
	Header                    http.Header
}

// readOperation parses "METHOD URI HTTP/1.1", headers, blank line, body (to
// the end of the part: batch operations carry no Content-Length).
func readOperation(t *testing.T, r io.Reader) (opRequest, string) {
	t.Helper()
	tp := textproto.NewReader(bufio.NewReader(r))
	line, err := tp.ReadLine()
	if err != nil {
		t.Fatalf("request line: %v", err)
	}
	f := strings.Split(line, " ")
	if len(f) != 3 {
		t.Fatalf("bad request line %q", line)
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil && err != io.EOF {
		t.Fatalf("operation headers: %v", err)
	}
	body, _ := io.ReadAll(tp.R)
	return opRequest{f[0], f[1], f[2], http.Header(h)}, string(body)
}

// readBatchRequest parses a $batch body the way Dataverse would, descending
// into change sets.
func readBatchRequest(t *testing.T, contentType string, body io.Reader) (ops []operation, changeSets int) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return ops, changeSets
		}
		if err != nil {
			t.Fatal(err)
		}
		if ct := p.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/mixed") {
			changeSets++
			inner, _ := readBatchRequest(t, ct, p)
			ops = append(ops, inner...)
			continue
		}
		req, body := readOperation(t, p)
		ops = append(ops, operation{p.Header, req, body})
	}
}

const batchResponse = `--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 200 OK
Content-Type: application/json; odata.metadata=minimal
OData-Version: 4.0

{"@odata.context":"x","value":[{"@odata.etag":"W/\"1\"","name":"Contoso"}]}
--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: https://org.example/api/data/v9.2/tasks(aaaaaaaa-0000-4000-8000-000000000001)
OData-EntityId: https://org.example/api/data/v9.2/tasks(aaaaaaaa-0000-4000-8000-000000000001)


--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 400 Bad Request
Content-Type: application/json; odata.metadata=minimal
OData-Version: 4.0

{"error":{"code":"0x80044331","message":"A validation error occurred. The length of the 'subject' attribute exceeded the maximum."}}
--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f--
`

func TestBatchRoundTrip(t *testing.T) {
	var ops []operation
	var changeSets int
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/mixed; boundary=batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, crlf(batchResponse))
	})
	c := srv.client(Options{NewID: fixedIDs("b1")})
	resps, err := c.Batch(context.Background(), []BatchRequest{
		{Method: "GET", Path: "accounts?$select=name&$top=1"},
		{Method: "POST", Path: "tasks", Body: Record{"subject": "Task 1"}},
		{Method: "PATCH", Path: "/api/data/v9.2/tasks(" + newID2 + ")", Body: []byte(`{"subject":"` + strings.Repeat("x", 10) + `"}`), Header: http.Header{"If-Match": {"*"}}},
	}, BatchOptions{ContinueOnError: true})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/$batch" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertHeader(t, r.Header, "Content-Type", `multipart/mixed; boundary="batch_b1"`)
	assertHeader(t, r.Header, "Prefer", "odata.continue-on-error")
	assertHeader(t, r.Header, "OData-Version", "4.0")
	assertCRLF(t, r.Body)
	if !strings.HasSuffix(string(r.Body), "--batch_b1--\r\n") {
		t.Errorf("batch not closed: %q", r.Body[len(r.Body)-30:])
	}
	ops, changeSets = readBatchRequest(t, r.Header.Get("Content-Type"), strings.NewReader(string(r.Body)))
	if changeSets != 0 || len(ops) != 3 {
		t.Fatalf("ops=%d changeSets=%d", len(ops), changeSets)
	}
	for _, op := range ops {
		if ph := textproto.MIMEHeader(op.partHeader); ph.Get("Content-Type") != "application/http" || ph.Get("Content-Transfer-Encoding") != "binary" {
			t.Errorf("part headers %v", op.partHeader)
		}
		if op.req.Proto != "HTTP/1.1" {
			t.Errorf("proto %s", op.req.Proto)
		}
	}
	if ops[0].req.Method != "GET" || ops[0].req.RequestURI != "/api/data/v9.2/accounts?$select=name&$top=1" || ops[0].body != "" {
		t.Errorf("op 1: %s %s %q", ops[0].req.Method, ops[0].req.RequestURI, ops[0].body)
	}
	if ops[0].req.Header.Get("Content-Type") != "" {
		t.Errorf("GET op with a content type")
	}
	if ops[1].req.Method != "POST" || ops[1].req.RequestURI != "/api/data/v9.2/tasks" ||
		ops[1].req.Header.Get("Content-Type") != "application/json; type=entry" || ops[1].body != `{"subject":"Task 1"}` {
		t.Errorf("op 2: %s %s %v %q", ops[1].req.Method, ops[1].req.RequestURI, ops[1].req.Header, ops[1].body)
	}
	if ops[2].req.Method != "PATCH" || ops[2].req.RequestURI != "/api/data/v9.2/tasks("+newID2+")" || ops[2].req.Header.Get("If-Match") != "*" {
		t.Errorf("op 3: %s %s %v", ops[2].req.Method, ops[2].req.RequestURI, ops[2].req.Header)
	}

	if len(resps) != 3 {
		t.Fatalf("responses = %d", len(resps))
	}
	var page recordPage
	if resps[0].StatusCode != 200 || resps[0].Err() != nil || resps[0].Decode(&page) != nil || page.Value[0].String("name") != "Contoso" {
		t.Errorf("resp 1: %+v", resps[0])
	}
	if resps[1].StatusCode != 204 || resps[1].EntityID() != newID1 || len(resps[1].Body) != 0 {
		t.Errorf("resp 2: %+v", resps[1])
	}
	err = resps[2].Err()
	e, ok := AsError(err)
	if !ok || resps[2].StatusCode != 400 || e.Code != "0x80044331" || !IsBadRequest(err) {
		t.Errorf("resp 3: %+v %v", resps[2], err)
	}
}

const changeSetResponse = `--batchresponse_0e9a2d5e
Content-Type: multipart/mixed; boundary=changesetresponse_77cb1b2f

--changesetresponse_77cb1b2f
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

HTTP/1.1 204 No Content
OData-Version: 4.0
OData-EntityId: https://org.example/api/data/v9.2/accounts(aaaaaaaa-0000-4000-8000-000000000001)


--changesetresponse_77cb1b2f
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 2

HTTP/1.1 201 Created
Content-Type: application/json; odata.metadata=minimal
OData-Version: 4.0

{"contactid":"aaaaaaaa-0000-4000-8000-000000000002","lastname":"Lee"}
--changesetresponse_77cb1b2f--
--batchresponse_0e9a2d5e--
`

func TestBatchChangeSet(t *testing.T) {
	marker := &recordingMarker{}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", `multipart/mixed; boundary="batchresponse_0e9a2d5e"`)
		_, _ = io.WriteString(w, crlf(changeSetResponse))
	})
	c := srv.client(Options{NewID: fixedIDs("b2", "cs2"), MarkRetrySafe: marker.mark})
	resps, err := c.Batch(context.Background(), []BatchRequest{
		{Method: "POST", Path: "accounts", Body: Record{"name": "Adatum"}},
		{Method: "POST", Path: "$1/contact_customer_accounts", Body: Record{"lastname": "Lee"}, Header: http.Header{"Prefer": {"return=representation"}}},
	}, BatchOptions{ChangeSet: true})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	assertCRLF(t, r.Body)
	assertNoHeader(t, r.Header, "Prefer")
	if marker.count() != 0 {
		t.Errorf("a writing batch must not be marked retry-safe")
	}
	if !strings.Contains(string(r.Body), "Content-Type: multipart/mixed; boundary=\"changeset_cs2\"\r\n") {
		t.Errorf("change set part header missing:\n%s", r.Body)
	}
	ops, changeSets := readBatchRequest(t, r.Header.Get("Content-Type"), strings.NewReader(string(r.Body)))
	if changeSets != 1 || len(ops) != 2 {
		t.Fatalf("ops=%d changeSets=%d", len(ops), changeSets)
	}
	for i, op := range ops {
		if got := textproto.MIMEHeader(op.partHeader).Get("Content-ID"); got != string(rune('1'+i)) {
			t.Errorf("op %d Content-ID = %v", i+1, op.partHeader)
		}
		if !strings.Contains(string(r.Body), "Content-ID: "+string(rune('1'+i))+"\r\n") {
			t.Errorf("Content-ID header not written as documented")
		}
	}
	if ops[1].req.RequestURI != "$1/contact_customer_accounts" || ops[1].req.Header.Get("Prefer") != "return=representation" {
		t.Errorf("op 2: %s %v", ops[1].req.RequestURI, ops[1].req.Header)
	}
	if len(resps) != 2 || resps[0].ContentID != "1" || resps[0].EntityID() != newID1 || resps[1].ContentID != "2" || resps[1].StatusCode != 201 {
		t.Fatalf("responses = %+v", resps)
	}
	var contact Record
	if err := resps[1].Decode(&contact); err != nil || contact.String("contactid") != newID2 {
		t.Errorf("decode: %v %v", contact, err)
	}
}

func TestBatchValidationAndErrors(t *testing.T) {
	c := New(http.DefaultClient, "https://org.example")
	if _, err := c.Batch(context.Background(), nil, BatchOptions{}); err == nil {
		t.Errorf("empty batch accepted")
	}
	if _, err := c.Batch(context.Background(), []BatchRequest{{Method: "GET", Path: "accounts"}}, BatchOptions{ChangeSet: true}); err == nil {
		t.Errorf("GET in a change set accepted")
	}
	if _, err := c.Batch(context.Background(), make([]BatchRequest, MaxBatchRequests+1), BatchOptions{}); err == nil {
		t.Errorf("oversized batch accepted")
	}
	if _, err := c.Batch(context.Background(), []BatchRequest{{Method: "GET"}}, BatchOptions{}); err == nil {
		t.Errorf("operation without a path accepted")
	}

	marker := &recordingMarker{}
	srv := newServer(t,
		reply(400, `{"error":{"code":"0x80048d19","message":"Error processing batch request: Stream was not readable."}}`),
		reply(200, `{"odd":true}`),
	)
	c = srv.client(Options{MarkRetrySafe: marker.mark})
	_, err := c.Batch(context.Background(), []BatchRequest{{Method: "GET", Path: "accounts"}}, BatchOptions{})
	if e, ok := AsError(err); !ok || e.Code != CodeUndeclaredProperty {
		t.Errorf("JSON error answer → %v", err)
	}
	if marker.count() != 1 {
		t.Errorf("a GET-only batch should be marked retry-safe")
	}
	if _, err := c.Batch(context.Background(), []BatchRequest{{Method: "GET", Path: "accounts"}}, BatchOptions{}); err == nil {
		t.Errorf("non-multipart 200 accepted")
	}
}
