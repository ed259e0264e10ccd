package receiver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// However many goroutines call it, at most 52 requests are in flight to the
// Dataverse host at once; another host is not limited.
func TestLimitDataverseBoundsConcurrentRequests(t *testing.T) {
	var inflight, peak atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if r.URL.Path == "/slow" {
			<-release
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxConnsPerHost = 0
	c := LimitDataverse(&http.Client{Transport: tr, Timeout: 5 * time.Second}, srv.URL+"/api/data/v9.2")
	var wg sync.WaitGroup
	for range 3 * dataverseConcurrentLimit {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Get(srv.URL + "/slow")
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for inflight.Load() < dataverseConcurrentLimit && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // give any excess request the chance to arrive
	if got := inflight.Load(); got != dataverseConcurrentLimit {
		t.Errorf("%d requests in flight, want the limit %d", got, dataverseConcurrentLimit)
	}
	// Another host (the same server by another name) is not held up by the
	// full Dataverse slots.
	resp, err := c.Get(strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/fast")
	if err != nil {
		t.Fatalf("another host waited for a Dataverse slot: %v", err)
	}
	_ = resp.Body.Close()
	close(release)
	wg.Wait()
	if p := peak.Load(); p > dataverseConcurrentLimit+1 {
		t.Errorf("peak %d concurrent requests, over %d (+1 for the other host)", p, dataverseConcurrentLimit)
	}
}
