package dataverse

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// MaxBatchRequests is the documented limit of operations in one $batch.
const MaxBatchRequests = 1000

// BatchRequest is one operation in a $batch.
type BatchRequest struct {
	Method string
	// Path is relative to the Web API root ("opportunities(<id>)"), or an
	// absolute path ("/api/data/v9.2/…"), an absolute URL, or a change-set
	// reference ("$1/…").
	Path   string
	Header http.Header
	// Body is JSON-encoded unless it is []byte or json.RawMessage; nil = no body.
	Body any
}

// BatchOptions selects how the operations are sent.
type BatchOptions struct {
	// ChangeSet puts every operation in one atomic change set (no GETs);
	// operations get Content-ID 1..n so later ones can reference "$n".
	ChangeSet bool
	// ContinueOnError sends Prefer: odata.continue-on-error.
	ContinueOnError bool
}

// BatchResponse is the answer to one operation.
type BatchResponse struct {
	ContentID  string // from the change-set part, "" outside change sets
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Err returns the operation's error (nil for 2xx).
func (r BatchResponse) Err() error {
	if r.StatusCode >= 200 && r.StatusCode <= 299 {
		return nil
	}
	return newError(r.StatusCode, r.Header, r.Body)
}

// EntityID returns the key from the operation's OData-EntityId/Location.
func (r BatchResponse) EntityID() string { return entityID(r.Header) }

// Decode unmarshals the operation's JSON body (numbers as json.Number).
func (r BatchResponse) Decode(v any) error { return decodeJSON(r.Body, v) }

// Batch sends the operations in one POST $batch (multipart/mixed, CRLF line
// endings) and returns one response per operation in answer order. When the
// server answers a change set failure with a single error part, fewer
// responses than requests come back.
func (c *Client) Batch(ctx context.Context, reqs []BatchRequest, opts BatchOptions) ([]BatchResponse, error) {
	if len(reqs) == 0 {
		return nil, errors.New("dataverse: empty batch")
	}
	if len(reqs) > MaxBatchRequests {
		return nil, fmt.Errorf("dataverse: batch of %d exceeds %d operations", len(reqs), MaxBatchRequests)
	}
	allGET := true
	for i, r := range reqs {
		if r.Method == "" || r.Path == "" {
			return nil, fmt.Errorf("dataverse: batch operation %d needs a method and a path", i)
		}
		if r.Method != http.MethodGet {
			allGET = false
		} else if opts.ChangeSet {
			return nil, fmt.Errorf("dataverse: batch operation %d: GET is not allowed in a change set", i)
		}
	}
	sets := []batchSet{{reqs: reqs, changeSet: opts.ChangeSet}}
	return c.sendBatch(ctx, sets, opts.ContinueOnError, allGET)
}

// batchSet is a run of operations in a $batch: one change set, or plain
// operations. Operations in change sets get Content-IDs numbered across the
// whole batch (1..n), so answers map back to requests.
type batchSet struct {
	reqs      []BatchRequest
	changeSet bool
}

// sendBatch posts the sets as one $batch and parses the answer.
func (c *Client) sendBatch(ctx context.Context, sets []batchSet, continueOnError, retrySafe bool) ([]BatchResponse, error) {
	batchID := "batch_" + c.newID()
	body, err := c.writeBatch(batchID, sets)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", `multipart/mixed; boundary="`+batchID+`"`)
	if continueOnError {
		h.Set(HeaderPrefer, "odata.continue-on-error")
	}
	req, err := c.build(ctx, request{method: http.MethodPost, path: "$batch", body: body, header: h, retrySafe: retrySafe})
	if err != nil {
		return nil, err
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("dataverse: read $batch response: %w", err)
	}
	mt, params, perr := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if perr != nil || !strings.HasPrefix(mt, "multipart/") {
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil, newError(resp.StatusCode, resp.Header, raw)
		}
		return nil, fmt.Errorf("dataverse: $batch answered %q, not multipart", resp.Header.Get("Content-Type"))
	}
	return parseBatch(bytes.NewReader(raw), params["boundary"])
}

func (c *Client) writeBatch(batchID string, sets []batchSet) ([]byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.SetBoundary(batchID); err != nil {
		return nil, err
	}
	n := 0
	for _, set := range sets {
		if !set.changeSet {
			for _, r := range set.reqs {
				if err := c.writeOperation(mw, r, ""); err != nil {
					return nil, err
				}
			}
			continue
		}
		csID := "changeset_" + c.newID()
		var cs bytes.Buffer
		cw := multipart.NewWriter(&cs)
		if err := cw.SetBoundary(csID); err != nil {
			return nil, err
		}
		for _, r := range set.reqs {
			n++
			if err := c.writeOperation(cw, r, strconv.Itoa(n)); err != nil {
				return nil, err
			}
		}
		if err := cw.Close(); err != nil {
			return nil, err
		}
		pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {`multipart/mixed; boundary="` + csID + `"`}})
		if err != nil {
			return nil, err
		}
		if _, err := pw.Write(cs.Bytes()); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeOperation writes one application/http part: the request line, headers,
// a blank line and the body, all with CRLF (Dataverse rejects bare LF).
func (c *Client) writeOperation(w *multipart.Writer, r BatchRequest, contentID string) error {
	ph := textproto.MIMEHeader{
		"Content-Type":              {"application/http"},
		"Content-Transfer-Encoding": {"binary"},
	}
	if contentID != "" {
		ph["Content-ID"] = []string{contentID}
	}
	pw, err := w.CreatePart(ph)
	if err != nil {
		return err
	}
	var body []byte
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = b
	case json.RawMessage:
		body = b
	default:
		if body, err = json.Marshal(r.Body); err != nil {
			return fmt.Errorf("dataverse: encode batch body for %s %s: %w", r.Method, r.Path, err)
		}
	}
	var op bytes.Buffer
	fmt.Fprintf(&op, "%s %s HTTP/1.1\r\n", r.Method, c.batchTarget(r.Path))
	if body != nil {
		op.WriteString("Content-Type: application/json; type=entry\r\n")
	}
	for k, vs := range r.Header {
		if body != nil && strings.EqualFold(k, "Content-Type") {
			continue
		}
		for _, v := range vs {
			fmt.Fprintf(&op, "%s: %s\r\n", k, v)
		}
	}
	op.WriteString("\r\n")
	op.Write(body)
	_, err = pw.Write(op.Bytes())
	return err
}

func (c *Client) batchTarget(p string) string {
	switch {
	case strings.HasPrefix(p, "$"), strings.HasPrefix(p, "/"), strings.HasPrefix(p, "http://"), strings.HasPrefix(p, "https://"):
		return p
	}
	return APIPath + "/" + p
}

// parseBatch reads a multipart batch (or change set) answer.
func parseBatch(r io.Reader, boundary string) ([]BatchResponse, error) {
	if boundary == "" {
		return nil, errors.New("dataverse: $batch answer has no boundary")
	}
	mr := multipart.NewReader(r, boundary)
	var out []BatchResponse
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("dataverse: read $batch part: %w", err)
		}
		mt, params, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			return nil, fmt.Errorf("dataverse: $batch part content type: %w", err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			inner, err := parseBatch(part, params["boundary"])
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		}
		resp, err := http.ReadResponse(bufio.NewReader(part), nil)
		if err != nil {
			return nil, fmt.Errorf("dataverse: parse $batch operation answer: %w", err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("dataverse: read $batch operation body: %w", err)
		}
		out = append(out, BatchResponse{
			ContentID:  part.Header.Get("Content-ID"),
			StatusCode: resp.StatusCode,
			Header:     resp.Header,
			Body:       bytes.TrimSpace(body),
		})
	}
}
