package receiver

import (
	"io"
	"net/http"
	"net/url"
	"sync"
)

// LimitDataverse returns a copy of c (nil: a default client) whose requests
// to the host of dataverseURL wait for a slot so that at most 52 are in
// flight at once: Dataverse's concurrent-request limit per user
// (dataverse-api.md §1.10), never exceeded however event reconciles, their
// batched writes and a sweep overlap. Other hosts are not limited.
func LimitDataverse(c *http.Client, dataverseURL string) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	}
	base := out.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	host := ""
	if u, err := url.Parse(dataverseURL); err == nil {
		host = u.Host
	}
	out.Transport = &hostLimit{base: base, host: host, slots: make(chan struct{}, dataverseConcurrentLimit)}
	return &out
}

type hostLimit struct {
	base  http.RoundTripper
	host  string
	slots chan struct{}
}

func (h *hostLimit) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != h.host {
		return h.base.RoundTrip(r)
	}
	select {
	case h.slots <- struct{}{}:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	resp, err := h.base.RoundTrip(r)
	if err != nil {
		<-h.slots
		return nil, err
	}
	// The request is in flight until its body is read to the end or closed.
	resp.Body = &releaseOnClose{ReadCloser: resp.Body, release: func() { <-h.slots }}
	return resp, nil
}

type releaseOnClose struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (r *releaseOnClose) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err != nil {
		r.once.Do(r.release)
	}
	return n, err
}

func (r *releaseOnClose) Close() error {
	err := r.ReadCloser.Close()
	r.once.Do(r.release)
	return err
}
