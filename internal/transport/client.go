package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// Client sends requests with retries, correlation ids, bearer tokens and
// redacted logging. It is safe for concurrent use.
type Client struct {
	o   Options
	rnd func() float64
}

// New returns a Client; zero Options fields take the documented defaults.
func New(o Options) *Client {
	return &Client{o: o.withDefaults(), rnd: defaultRand}
}

// Service is the API name the client was built for.
func (c *Client) Service() string { return c.o.Service }

// callInfo travels in the context of each attempt's request, so that the
// response (resp.Request) tells ReadError how many attempts were made.
type callInfo struct {
	service       string
	attempt       int
	correlationID string
	// unseen: an earlier attempt of this call may have been applied
	// without the client hearing the answer.
	unseen bool
}

type callInfoKey struct{}

func infoOf(resp *http.Response) *callInfo {
	if resp == nil || resp.Request == nil {
		return nil
	}
	ci, _ := resp.Request.Context().Value(callInfoKey{}).(*callInfo)
	return ci
}

// Attempts is how many attempts Do made for the call that produced resp
// (0 when resp did not come from Do).
func Attempts(resp *http.Response) int {
	if ci := infoOf(resp); ci != nil {
		return ci.attempt
	}
	return 0
}

// OutcomeWasUnknown reports whether an earlier attempt of the call that
// produced resp may have been applied unseen (its answer was lost or was a
// 5xx). A 412 to a Conditional write is then possibly our own earlier
// success: re-read and decide again.
func OutcomeWasUnknown(resp *http.Response) bool {
	if ci := infoOf(resp); ci != nil {
		return ci.unseen
	}
	return false
}

// Do sends req, retrying as described in choices.go, and returns the last
// response whatever its status: typed clients parse their own error bodies
// (ReadError helps). It returns an error only when no usable response was
// obtained: a transport failure that could not or may not be retried, a
// token failure, a write found applied by its Lookup (WriteApplied), or a
// context deadline that leaves no room for the next retry (*RetryError).
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	ctx := withLogging(req.Context())
	safety, lookup := safetyOf(req)
	redURL := RedactURL(req.URL.String())

	body, err := readBody(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: reading request body: %w", c.o.Service, req.Method, redURL, err)
	}
	corrID := req.Header.Get(c.o.CorrelationHeader)
	if corrID == "" {
		corrID = uuid.NewString()
	}

	var last RetryError
	unseen := false
	for attempt := 1; ; attempt++ {
		ci := &callInfo{service: c.o.Service, attempt: attempt, correlationID: corrID, unseen: unseen}
		r := req.Clone(context.WithValue(ctx, callInfoKey{}, ci))
		setBody(r, body)
		r.Header.Set(c.o.CorrelationHeader, corrID)
		if c.o.UserAgent != "" && r.Header.Get("User-Agent") == "" {
			r.Header.Set("User-Agent", c.o.UserAgent)
		}
		if c.o.Token != nil {
			tok, err := c.o.Token(ctx)
			if err != nil {
				return nil, fmt.Errorf("%s: %s %s: %w", c.o.Service, req.Method, redURL, err)
			}
			r.Header.Set("Authorization", "Bearer "+tok)
		}

		c.logRequest(ctx, r, redURL, attempt, corrID, body)
		start := time.Now()
		resp, err := c.o.HTTPClient.Do(r)
		elapsed := time.Since(start)

		var delay time.Duration
		var next resend
		refused := false
		last = RetryError{Service: c.o.Service, Method: req.Method, URL: redURL, Attempts: attempt, CorrelationID: corrID}
		if err != nil {
			redactURLError(err)
			c.logFailure(ctx, r, redURL, attempt, corrID, elapsed, err)
			last.Err = err
			next = resendRule(safety, lookup != nil, false)
			switch {
			case ctx.Err() != nil:
				last.Err, last.Reason = ctx.Err(), "the context ended during the request; last error: "+err.Error()
				return nil, &last
			case !retryableError(ctx, err):
				last.Reason = "not retried: the error is not transient"
				return nil, &last
			case next == stop:
				last.Reason = "not retried: the " + req.Method + " may have been applied, and it has neither an idempotency key nor a lookup"
				return nil, &last
			case attempt > c.o.MaxRetries:
				last.Reason = "retries exhausted"
				return nil, &last
			}
			delay = backoff(attempt, c.o.MinBackoff, c.o.MaxBackoff, c.rnd)
		} else {
			c.logResponse(ctx, resp, redURL, attempt, corrID, elapsed)
			var retry bool
			retry, refused = retryableStatus(resp.StatusCode)
			if !retry || attempt > c.o.MaxRetries {
				return resp, nil
			}
			if next = resendRule(safety, lookup != nil, refused); next == stop {
				return resp, nil
			}
			last.LastStatus, last.LastStatusText = resp.StatusCode, http.StatusText(resp.StatusCode)
			if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				delay = ra
			} else {
				delay = backoff(attempt, c.o.MinBackoff, c.o.MaxBackoff, c.rnd)
			}
			drain(resp)
		}
		// A write that failed without being refused may have been applied.
		unseen = unseen || (!refused && !isRead(req.Method))

		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			last.Err = context.DeadlineExceeded
			last.Reason = fmt.Sprintf("the next retry (in %s) would pass the context deadline", delay.Round(time.Millisecond))
			c.logGiveUp(ctx, &last)
			return nil, &last
		}
		c.logRetry(ctx, req.Method, redURL, attempt, corrID, delay)
		if err := c.o.Sleep(ctx, delay); err != nil {
			last.Err, last.Reason = err, "the context ended while waiting to retry"
			return nil, &last
		}
		if next == lookupFirst {
			applied, err := lookup(ctx)
			switch {
			case err != nil:
				last.Err, last.Reason = err, "the outcome of the write is unknown and looking it up failed"
				return nil, &last
			case applied:
				last.Applied, last.Reason = true, "the write was applied (found by lookup); its answer was lost"
				c.logGiveUp(ctx, &last)
				return nil, &last
			}
		}
	}
}

// redactURLError hides secrets in the URL net/http puts in its *url.Error
// (the request's, or a redirect target's) before the error is logged or
// returned: Power Automate trigger URLs carry a sig.
func redactURLError(err error) {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		uerr.URL = RedactURL(uerr.URL)
	}
}

// readBody buffers the request body once so every attempt sends the same
// bytes (nil when there is no body).
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

func setBody(r *http.Request, body []byte) {
	if body == nil {
		r.Body, r.GetBody, r.ContentLength = nil, nil, 0
		return
	}
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.Body, _ = r.GetBody()
	if len(body) == 0 {
		r.Body = http.NoBody
	}
}

// drain reads a little of a discarded response so the connection can be
// reused, then closes it.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}
