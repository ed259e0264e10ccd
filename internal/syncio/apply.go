package syncio

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	gosync "sync"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// group is the writes of one record pair, as indices into the Apply slice.
type group struct {
	idx  []int
	reqs []dataverse.BatchRequest
	err  error // the group could not be encoded: nothing is sent
}

// Apply sends the writes as $batch requests of at most batchOps operations,
// one change set per group (writes sharing Group, in slice order), with up
// to batchParallelism requests in flight.
func (d *Dynamics) Apply(ctx context.Context, writes []engine.Write) []engine.WriteResult {
	results := make([]engine.WriteResult, len(writes))
	var groups []*group
	byKey := map[string]*group{}
	for i, w := range writes {
		g := byKey[w.Group]
		if g == nil || w.Group == "" {
			g = &group{}
			groups = append(groups, g)
			if w.Group != "" {
				byKey[w.Group] = g
			}
		}
		g.idx = append(g.idx, i)
	}
	for _, g := range groups {
		for _, i := range g.idx {
			req, err := d.request(ctx, writes[i])
			if err != nil {
				g.err = err
				break
			}
			g.reqs = append(g.reqs, req)
		}
		if g.err == nil && len(g.reqs) > batchOps {
			g.err = fmt.Errorf("%d writes for one record exceed the %d operations of a $batch", len(g.reqs), batchOps)
		}
		if g.err != nil {
			failGroup(results, g, -1, g.err)
		}
	}

	// Pack whole groups into batches.
	var batches [][]*group
	var cur []*group
	n := 0
	for _, g := range groups {
		if g.err != nil {
			continue
		}
		if n+len(g.reqs) > batchOps {
			batches, cur, n = append(batches, cur), nil, 0
		}
		cur, n = append(cur, g), n+len(g.reqs)
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}

	sem := make(chan struct{}, batchParallelism)
	var wg gosync.WaitGroup
	for _, b := range batches {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			d.sendBatch(ctx, b, results) // each group writes only its own result slots
		}()
	}
	wg.Wait()
	return results
}

func (d *Dynamics) sendBatch(ctx context.Context, b []*group, results []engine.WriteResult) {
	sets := make([][]dataverse.BatchRequest, len(b))
	retrySafe := true
	for i, g := range b {
		sets[i] = g.reqs
		for _, r := range g.reqs {
			retrySafe = retrySafe && r.Method == http.MethodPatch
		}
	}
	out, err := d.dv.BatchChangeSets(ctx, sets, retrySafe)
	if err != nil {
		for _, g := range b {
			failGroup(results, g, -1, dvError(err))
		}
		return
	}
	for i, g := range b {
		res := out[i]
		if res.Err != nil {
			failGroup(results, g, res.Failed, dvError(res.Err))
			continue
		}
		for j, idx := range g.idx {
			results[idx] = engine.WriteResult{ETag: etagOf(res.Responses[j])}
		}
	}
}

// failGroup records err on the failing write and ErrSkipped on the others
// (rolled back or never sent). failed = -1: every write gets err.
func failGroup(results []engine.WriteResult, g *group, failed int, err error) {
	for j, idx := range g.idx {
		switch {
		case failed < 0 || j == failed:
			results[idx] = engine.WriteResult{Err: err}
		default:
			results[idx] = engine.WriteResult{Err: fmt.Errorf("%w (%v)", engine.ErrSkipped, err)}
		}
	}
}

func etagOf(r dataverse.BatchResponse) string {
	if e := r.Header.Get("ETag"); e != "" {
		return e
	}
	var body map[string]any
	if r.Decode(&body) == nil {
		if e, ok := body[dataverse.AnnotationETag].(string); ok {
			return e
		}
	}
	return ""
}

// dvError wraps 412 and 404 in the engine's sentinel errors.
func dvError(err error) error {
	switch {
	case dataverse.IsPreconditionFailed(err):
		return fmt.Errorf("%w: %w", engine.ErrConflict, err)
	case dataverse.IsNotFound(err):
		return fmt.Errorf("%w: %w", engine.ErrNotFound, err)
	}
	return err
}

// request encodes one write as a $batch operation.
func (d *Dynamics) request(ctx context.Context, w engine.Write) (dataverse.BatchRequest, error) {
	if !dataverse.IsGUID(w.ID) {
		return dataverse.BatchRequest{}, fmt.Errorf("%s write: id %q is not a GUID", w.Table, w.ID)
	}
	switch w.Kind {
	case engine.WriteWin:
		return dataverse.WinOpportunityRequest(w.ID, w.Subject), nil
	case engine.WriteLose:
		return dataverse.LoseOpportunityRequest(w.ID, w.Status, w.Subject), nil
	}
	s, err := d.shapeWith(ctx, w.Table, slices.Collect(maps.Keys(w.Values))...)
	if err != nil {
		return dataverse.BatchRequest{}, err
	}
	body := map[string]any{}
	for col, v := range w.Values {
		if err := d.put(ctx, s, body, col, v); err != nil {
			return dataverse.BatchRequest{}, err
		}
	}
	h := http.Header{}
	h.Set(dataverse.HeaderPrefer, "return=representation")
	switch w.Kind {
	case engine.WriteUpsert:
	case engine.WriteUpdate:
		h.Set("If-Match", orStar(w.ETag))
	case engine.WriteSetState:
		body["statecode"], body["statuscode"] = w.State, w.Status
		h.Set("If-Match", orStar(w.ETag))
	default:
		return dataverse.BatchRequest{}, fmt.Errorf("unknown write kind %q", w.Kind)
	}
	path := s.EntitySetName + "(" + w.ID + ")?$select=" + s.PrimaryIDAttribute
	return dataverse.BatchRequest{Method: http.MethodPatch, Path: path, Header: h, Body: body}, nil
}

// put sets one column in a write body: lookups as "<nav>@odata.bind".
func (d *Dynamics) put(ctx context.Context, s *dataverse.TableShape, body map[string]any, col string, v any) error {
	if _, ok := s.Types[col]; !ok {
		return &MissingColumnError{Table: s.LogicalName, Column: col}
	}
	if !s.IsLookup(col) {
		if _, isRef := v.(engine.Ref); isRef {
			return fmt.Errorf("%s.%s is not a lookup column; it cannot take a reference", s.LogicalName, col)
		}
		body[col] = v
		return nil
	}
	ref, ok := v.(engine.Ref)
	if v == nil {
		target := singleTarget(s, col)
		nav, found := s.Nav(col, target)
		if !found {
			return fmt.Errorf("%s.%s: cannot clear a lookup with several targets", s.LogicalName, col)
		}
		body[nav+"@odata.bind"] = nil
		return nil
	}
	if !ok {
		return fmt.Errorf("%s.%s is a lookup: it needs a reference, not a %T", s.LogicalName, col, v)
	}
	nav, found := s.Nav(col, ref.Table)
	if !found {
		return fmt.Errorf("%s.%s cannot refer to a %s row", s.LogicalName, col, ref.Table)
	}
	ts, err := d.shape(ctx, ref.Table)
	if err != nil {
		return err
	}
	body[nav+"@odata.bind"] = dataverse.BindValue(ts.EntitySetName, ref.ID)
	return nil
}

func orStar(etag string) string {
	if etag == "" {
		return "*"
	}
	return etag
}
