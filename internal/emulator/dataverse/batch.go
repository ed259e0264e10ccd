package dataverse

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/textproto"
	"net/url"
	"sort"
	"strings"
)

// $batch (OData 4.0 multipart/mixed, dataverse-api.md §1.8). The whole batch
// runs under the store lock; a change set is one transaction; parts outside
// change sets are transactions of their own.

const maxBatchRequests = 1000

type mimePart struct {
	header textproto.MIMEHeader
	body   []byte
}

// batchItem is a request outside a change set, or a change set.
type batchItem struct {
	req       *mimePart
	changeset []*mimePart
	isSet     bool
}

func errNotReadable(why string) *apiError {
	return errf(http.StatusBadRequest, codeODataPayload,
		"Error processing batch request: Stream was not readable (%s). Batch bodies must use CRLF line endings.", why)
}

func boundaryOf(contentType string) (string, bool) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return "", false
	}
	return params["boundary"], true
}

// splitMultipart splits a multipart body, insisting on CRLF after every
// delimiter and between headers (an LF-only body is "not readable").
func splitMultipart(body []byte, boundary string) ([]*mimePart, *apiError) {
	delim := []byte("--" + boundary)
	i := bytes.Index(body, delim)
	if i < 0 {
		return nil, errNotReadable("no '--" + boundary + "' delimiter found")
	}
	pos := i + len(delim)
	var parts []*mimePart
	for {
		rest := body[pos:]
		if bytes.HasPrefix(rest, []byte("--")) {
			return parts, nil
		}
		rest = bytes.TrimLeft(rest, " \t")
		if !bytes.HasPrefix(rest, []byte("\r\n")) {
			return nil, errNotReadable("a delimiter line does not end with CRLF")
		}
		start := len(body) - len(rest) + 2
		next := bytes.Index(body[start:], append([]byte("\r\n"), delim...))
		if next < 0 {
			return nil, errNotReadable("the closing delimiter '--" + boundary + "--' is missing")
		}
		p, e := parsePart(body[start : start+next])
		if e != nil {
			return nil, e
		}
		parts = append(parts, p)
		pos = start + next + 2 + len(delim)
	}
}

func parsePart(content []byte) (*mimePart, *apiError) {
	hdr, body, e := splitHeaders(content)
	if e != nil {
		return nil, e
	}
	return &mimePart{header: hdr, body: body}, nil
}

// splitHeaders reads CRLF header lines up to the blank line.
func splitHeaders(content []byte) (textproto.MIMEHeader, []byte, *apiError) {
	if bytes.HasPrefix(content, []byte("\r\n")) {
		return textproto.MIMEHeader{}, content[2:], nil
	}
	end := bytes.Index(content, []byte("\r\n\r\n"))
	var head, body []byte
	switch {
	case end >= 0:
		head, body = content[:end+4], content[end+4:]
	case bytes.HasSuffix(content, []byte("\r\n")):
		head = append(append([]byte(nil), content...), '\r', '\n')
	case !bytes.Contains(content, []byte("\n")) && len(bytes.TrimSpace(content)) > 0:
		head = append(append([]byte(nil), content...), "\r\n\r\n"...)
	default:
		return nil, nil, errNotReadable("part headers are not terminated by a blank CRLF line")
	}
	if bytes.Contains(bytes.ReplaceAll(head, []byte("\r\n"), nil), []byte("\n")) {
		return nil, nil, errNotReadable("a header line ends with LF instead of CRLF")
	}
	// The reader holds all of head: no 4 KB buffer per part.
	h, err := textproto.NewReader(bufio.NewReaderSize(bytes.NewReader(head), len(head))).ReadMIMEHeader()
	if err != nil && err != io.EOF {
		return nil, nil, errNotReadable(err.Error())
	}
	return h, body, nil
}

func (s *Service) handleBatch(w http.ResponseWriter, r *http.Request) {
	boundary, ok := boundaryOf(r.Header.Get("Content-Type"))
	if !ok {
		s.WriteError(w, http.StatusBadRequest, codeODataPayload, "A $batch request needs Content-Type: multipart/mixed; boundary=\"batch_<id>\".")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		s.writeAPIError(w, errNotReadable(err.Error()))
		return
	}
	items, e := parseBatch(raw, boundary)
	if e != nil {
		s.writeAPIError(w, e)
		return
	}
	continueOnError := parsePrefer(r.Header).ContinueOnError
	respBoundary := "batchresponse_" + newGUID()
	var out bytes.Buffer
	status := http.StatusOK
	for _, it := range items {
		var failed *partRecorder
		if it.isSet {
			failed = s.runChangeSet(r, it.changeset, &out, respBoundary)
		} else {
			rec := s.runPart(r, it.req, nil)
			writeResponsePart(&out, respBoundary, rec, "")
			if rec.status >= 400 {
				failed = rec
			}
		}
		if failed != nil && !continueOnError {
			status = failed.status // the batch answers with the first error (facts.go)
			break
		}
	}
	fmt.Fprintf(&out, "--%s--\r\n", respBoundary)
	if continueOnError {
		w.Header().Set("Preference-Applied", "odata.continue-on-error")
	}
	w.Header().Set("Content-Type", "multipart/mixed; boundary="+respBoundary)
	w.WriteHeader(status)
	_, _ = w.Write(out.Bytes())
}

func parseBatch(raw []byte, boundary string) ([]batchItem, *apiError) {
	parts, e := splitMultipart(raw, boundary)
	if e != nil {
		return nil, e
	}
	var items []batchItem
	n := 0
	for _, p := range parts {
		ct := p.header.Get("Content-Type")
		if cb, ok := boundaryOf(ct); ok {
			inner, e := splitMultipart(p.body, cb)
			if e != nil {
				return nil, e
			}
			for _, ip := range inner {
				if _, nested := boundaryOf(ip.header.Get("Content-Type")); nested {
					return nil, errf(http.StatusBadRequest, codeODataPayload, "Change sets cannot be nested.")
				}
				if e := checkHTTPPart(ip); e != nil {
					return nil, e
				}
			}
			n += len(inner)
			items = append(items, batchItem{changeset: inner, isSet: true})
			continue
		}
		if e := checkHTTPPart(p); e != nil {
			return nil, e
		}
		n++
		items = append(items, batchItem{req: p})
	}
	if n > maxBatchRequests {
		return nil, errf(http.StatusBadRequest, codeODataPayload,
			"The batch contains %d requests; a batch can contain at most %d requests.", n, maxBatchRequests)
	}
	return items, nil
}

func checkHTTPPart(p *mimePart) *apiError {
	mt, _, _ := mime.ParseMediaType(p.header.Get("Content-Type"))
	if mt != "application/http" {
		return errf(http.StatusBadRequest, codeODataPayload,
			"Each batch part must have Content-Type application/http (or multipart/mixed for a change set); got '%s'.", p.header.Get("Content-Type"))
	}
	return nil
}

// runChangeSet runs a change set atomically. On success it writes a nested
// changesetresponse; on the first failure it rolls everything back, writes
// only the failed response and returns it.
func (s *Service) runChangeSet(outer *http.Request, parts []*mimePart, out *bytes.Buffer, respBoundary string) *partRecorder {
	s.begin()
	ids := map[string]string{}
	var recs []*partRecorder
	var cids []string
	for _, p := range parts {
		cid := p.header.Get("Content-ID")
		rec := s.runPart(outer, p, ids)
		if rec.status >= 400 {
			s.rollback()
			writeResponsePart(out, respBoundary, rec, cid)
			return rec
		}
		if loc := rawHeader(rec.header, "OData-EntityId"); loc != "" && cid != "" {
			ids[cid] = loc
		}
		recs, cids = append(recs, rec), append(cids, cid)
	}
	s.commit()
	csb := "changesetresponse_" + newGUID()
	fmt.Fprintf(out, "--%s\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n", respBoundary, csb)
	for i, rec := range recs {
		writeResponsePart(out, csb, rec, cids[i])
	}
	fmt.Fprintf(out, "--%s--\r\n", csb)
	return nil
}

// runPart executes one application/http part. ids is non-nil inside a
// change set (GETs are refused there; $n references resolve).
func (s *Service) runPart(outer *http.Request, p *mimePart, ids map[string]string) *partRecorder {
	rec := newPartRecorder()
	req, e := s.innerRequest(outer, p, ids)
	if e == nil && ids != nil && (req.Method == http.MethodGet || req.Method == http.MethodHead) {
		e = errf(http.StatusBadRequest, codeODataPayload, "GET requests are not allowed inside a change set; put them outside the change set.")
	}
	if e != nil {
		s.writeAPIError(rec, e)
		return rec
	}
	s.dispatch(rec, req)
	if loc := rawHeader(rec.header, "OData-EntityId"); loc != "" {
		rec.header.Set("Location", loc) // batch responses carry both (Learn examples)
	}
	return rec
}

// innerRequest turns "METHOD URL HTTP/1.1\r\nheaders\r\n\r\nbody" into a
// request. URLs may be absolute, absolute paths, relative to the service
// root, or start with a $n Content-ID reference.
func (s *Service) innerRequest(outer *http.Request, p *mimePart, ids map[string]string) (*http.Request, *apiError) {
	lineEnd := bytes.Index(p.body, []byte("\r\n"))
	if lineEnd < 0 {
		return nil, errNotReadable("the request line does not end with CRLF")
	}
	fields := strings.Fields(string(p.body[:lineEnd]))
	if len(fields) < 2 || len(fields) > 3 {
		return nil, errf(http.StatusBadRequest, codeODataPayload, "The batch part request line '%s' is not valid.", p.body[:lineEnd])
	}
	hdr, body, e := splitHeaders(p.body[lineEnd+2:])
	if e != nil {
		return nil, e
	}
	target := fields[1]
	if strings.HasPrefix(target, "$") {
		cid, rest, _ := strings.Cut(target[1:], "/")
		base, ok := ids[cid]
		if !ok {
			return nil, errf(http.StatusBadRequest, codeODataPayload, "Content-ID Reference: '$%s' does not exist in the batch context.", cid)
		}
		target = base
		if rest != "" {
			target += "/" + rest
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, errf(http.StatusBadRequest, codeODataPayload, "The batch part URL '%s' is not valid.", target)
	}
	path := u.Path
	if !u.IsAbs() && !strings.HasPrefix(path, "/") {
		path = "/api/data/" + apiVersion(outer) + "/" + path
	}
	ver := ""
	for _, v := range []string{"v9.2", "v9.0"} {
		if strings.HasPrefix(path, "/api/data/"+v+"/") {
			ver = v
		}
	}
	if ver == "" {
		return nil, errf(http.StatusNotFound, codeUnknownProperty, "Resource not found for the segment '%s'.", path)
	}
	ctx := context.WithValue(outer.Context(), versionKey{}, ver)
	if ids != nil {
		ctx = withContentIDs(ctx, ids)
	}
	reqURL := path
	if u.RawQuery != "" {
		reqURL += "?" + u.RawQuery
	}
	req, err := http.NewRequestWithContext(ctx, fields[0], reqURL, bytes.NewReader(body))
	if err != nil {
		return nil, errf(http.StatusBadRequest, codeODataPayload, "The batch part request is not valid: %v", err)
	}
	req.Header = http.Header(hdr)
	req.ContentLength = int64(len(body))
	return req, nil
}

// partRecorder captures a part's response.
type partRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newPartRecorder() *partRecorder { return &partRecorder{header: http.Header{}} }

func (p *partRecorder) Header() http.Header { return p.header }

func (p *partRecorder) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

func (p *partRecorder) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return p.body.Write(b)
}

func writeResponsePart(out *bytes.Buffer, boundary string, rec *partRecorder, contentID string) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	fmt.Fprintf(out, "--%s\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n", boundary)
	if contentID != "" {
		fmt.Fprintf(out, "Content-ID: %s\r\n", contentID)
	}
	fmt.Fprintf(out, "\r\nHTTP/1.1 %d %s\r\n", rec.status, http.StatusText(rec.status))
	keys := make([]string, 0, len(rec.header))
	for k := range rec.header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range rec.header[k] {
			fmt.Fprintf(out, "%s: %s\r\n", k, v)
		}
	}
	// The body is copied once (fmt would stage a copy of it first).
	out.WriteString("\r\n")
	out.Write(rec.body.Bytes())
	out.WriteString("\r\n")
}
