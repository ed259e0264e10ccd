// Package synctest is an in-memory implementation of the sync engine's ports,
// faithful where the engine's correctness depends on it: ETags change on
// every write and a stale If-Match is a 412 (sync.ErrConflict), terminal
// referrals and closed opportunities are immutable, creates are idempotent
// by key (MS-RequestId; deterministic row ids), lists filter like the real
// services. It also injects faults: a "kill" after N writes, and hooks that
// run before a write (to race the engine). Tests and benchmarks use it; it
// counts calls.
package synctest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// ErrKilled is what every write returns once the kill point is reached.
var ErrKilled = errors.New("synctest: process killed")

// Cloud is both sides in memory, sharing one clock and one fault plan.
type Cloud struct {
	mu    gosync.Mutex
	clock time.Time
	seq   int

	referrals map[string]sync.Referral
	requests  map[string]string // MS-RequestId → referral id
	tables    map[string]map[string]*sync.Row
	vars      map[string]string

	// Kill after this many more successful writes (-1: never).
	killAfter int
	// BeforeWrite, when set, runs (without the lock) before each write;
	// tests use it to change a record under the engine (412 races).
	BeforeWrite func(kind, id string)

	Calls Calls
}

// Calls counts the port calls.
type Calls struct {
	ListReferrals, GetReferral, CreateReferral, PatchReferral int
	ReadVariables, ListRows, Apply, Writes                    int
}

// New returns an empty cloud whose clock starts at start and advances one
// second per write.
func New(start time.Time) *Cloud {
	return &Cloud{clock: start, referrals: map[string]sync.Referral{}, requests: map[string]string{},
		tables: map[string]map[string]*sync.Row{}, vars: map[string]string{}, killAfter: -1}
}

// PartnerCenter returns the Partner Center port.
func (c *Cloud) PartnerCenter() sync.PartnerCenter { return pcPort{c} }

// Dynamics returns the Dynamics port.
func (c *Cloud) Dynamics() sync.Dynamics { return dynPort{c} }

// KillAfter makes every write after the next n fail with ErrKilled (a
// process killed mid-run); Revive undoes it.
func (c *Cloud) KillAfter(n int) { c.mu.Lock(); c.killAfter = n; c.mu.Unlock() }

// Revive lets writes succeed again.
func (c *Cloud) Revive() { c.KillAfter(-1) }

// Now is the cloud's clock.
func (c *Cloud) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.clock }

// SetVariable sets an environment variable's effective value.
func (c *Cloud) SetVariable(name, value string) { c.mu.Lock(); c.vars[name] = value; c.mu.Unlock() }

func (c *Cloud) tick() time.Time {
	c.clock = c.clock.Add(time.Second)
	c.seq++
	return c.clock
}

func (c *Cloud) etag() string { return fmt.Sprintf(`"%08d"`, c.seq) }

// writeAllowed consumes one unit of the kill budget; the caller holds mu.
func (c *Cloud) writeAllowed() error {
	if c.killAfter == 0 {
		return ErrKilled
	}
	if c.killAfter > 0 {
		c.killAfter--
	}
	return nil
}

func (c *Cloud) before(kind, id string) {
	if f := c.BeforeWrite; f != nil {
		f(kind, id)
	}
}

// ---- Partner Center ----

// PutReferral stores r as is (a new ETag, UpdatedAt now unless set), as
// Partner Center or Microsoft would: the out-of-band side of a test.
func (c *Cloud) PutReferral(r sync.Referral) sync.Referral {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.tick()
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now
	}
	r.UpdatedAt = now
	r.ETag = c.etag()
	c.referrals[r.ID] = clone(r)
	return r
}

// Referral returns a stored referral.
func (c *Cloud) Referral(id string) (sync.Referral, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.referrals[id]
	return clone(r), ok
}

// Referrals returns every stored referral, by id.
func (c *Cloud) Referrals() []sync.Referral {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]sync.Referral, 0, len(c.referrals))
	for _, r := range c.referrals {
		out = append(out, clone(r))
	}
	slices.SortFunc(out, func(a, b sync.Referral) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func clone(r sync.Referral) sync.Referral {
	r.Contacts = slices.Clone(r.Contacts)
	r.Solutions = slices.Clone(r.Solutions)
	return r
}

type pcPort struct{ c *Cloud }

func (p pcPort) ListReferrals(ctx context.Context, q sync.ReferralQuery, page func([]sync.Referral) error) error {
	c := p.c
	c.mu.Lock()
	c.Calls.ListReferrals++
	var out []sync.Referral
	for _, r := range c.referrals {
		if matchReferral(r, q) && q.VersionsOnly {
			out = append(out, sync.Referral{ID: r.ID, ETag: r.ETag, EngagementID: r.EngagementID,
				ExternalReferenceID: r.ExternalReferenceID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
		} else if matchReferral(r, q) {
			out = append(out, clone(r))
		}
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b sync.Referral) int { return strings.Compare(a.ID, b.ID) })
	for len(out) > 0 {
		n := min(len(out), 100)
		if err := page(out[:n]); err != nil {
			return err
		}
		out = out[n:]
	}
	return nil
}

func matchReferral(r sync.Referral, q sync.ReferralQuery) bool {
	if !q.UpdatedSince.IsZero() && r.UpdatedAt.Before(q.UpdatedSince) {
		return false
	}
	if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, r.Status) {
		return false
	}
	if len(q.IDs) > 0 && !slices.Contains(q.IDs, r.ID) {
		return false
	}
	if len(q.ExternalReferenceIDs) > 0 && !slices.Contains(q.ExternalReferenceIDs, r.ExternalReferenceID) {
		return false
	}
	if len(q.EngagementIDs) > 0 && !slices.Contains(q.EngagementIDs, r.EngagementID) {
		return false
	}
	return true
}

func (p pcPort) GetReferral(ctx context.Context, id string) (sync.Referral, error) {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Calls.GetReferral++
	r, ok := c.referrals[id]
	if !ok {
		return sync.Referral{}, fmt.Errorf("referral %s: %w", id, sync.ErrNotFound)
	}
	return clone(r), nil
}

func (p pcPort) CreateReferral(ctx context.Context, draft sync.Referral, requestID string) (sync.Referral, error) {
	c := p.c
	c.before("create_referral", requestID)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Calls.CreateReferral++
	if err := c.writeAllowed(); err != nil {
		return sync.Referral{}, err
	}
	if id, ok := c.requests[requestID]; ok && requestID != "" {
		return clone(c.referrals[id]), nil // a retried POST with the same MS-RequestId
	}
	if draft.Name == "" || draft.Customer.Country == "" {
		return sync.Referral{}, fmt.Errorf("400 InvalidReferral: name and customerProfile.address.country are required")
	}
	now := c.tick()
	// Deterministic per request, so runs compare; the real service's ids are random.
	draft.ID = "ref-" + requestID[:min(len(requestID), 8)]
	if _, taken := c.referrals[draft.ID]; taken || requestID == "" {
		draft.ID = fmt.Sprintf("ref-%06d", c.seq)
	}
	if draft.EngagementID == "" {
		draft.EngagementID = "eng-" + draft.ID
	}
	draft.CreatedAt, draft.UpdatedAt, draft.ETag = now, now, c.etag()
	c.referrals[draft.ID] = clone(draft)
	c.requests[requestID] = draft.ID
	return clone(draft), nil
}

func terminal(r sync.Referral) bool {
	switch r.Substatus {
	case "Won", "Lost", "Declined", "Expired":
		return true
	}
	return false
}

func (p pcPort) PatchReferral(ctx context.Context, id, etag string, changes []sync.FieldChange) (sync.Referral, error) {
	c := p.c
	c.before("patch_referral", id)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Calls.PatchReferral++
	if err := c.writeAllowed(); err != nil {
		return sync.Referral{}, err
	}
	r, ok := c.referrals[id]
	if !ok {
		return sync.Referral{}, fmt.Errorf("referral %s: %w", id, sync.ErrNotFound)
	}
	if etag != "" && etag != r.ETag {
		return sync.Referral{}, fmt.Errorf("referral %s: 412: %w", id, sync.ErrConflict)
	}
	if terminal(r) {
		return sync.Referral{}, fmt.Errorf("400 referral %s is closed (%s) and cannot be updated", id, r.Substatus)
	}
	r = clone(r)
	for _, ch := range changes {
		if ch.Op != sync.PatchReplace && ch.Op != sync.PatchAdd {
			return sync.Referral{}, fmt.Errorf("400 unsupported op %q", ch.Op)
		}
		if err := applyPatch(&r, ch); err != nil {
			return sync.Referral{}, err
		}
	}
	if !allowedTransition(c.referrals[id], r) {
		return sync.Referral{}, fmt.Errorf("400 status %s/%s cannot follow %s/%s", r.Status, r.Substatus, c.referrals[id].Status, c.referrals[id].Substatus)
	}
	now := c.tick()
	r.UpdatedAt, r.ETag = now, c.etag()
	c.referrals[id] = r
	return clone(r), nil
}

// allowedTransition is partner-center-api.md §1.7.
func allowedTransition(old, nu sync.Referral) bool {
	if old.Status == nu.Status && old.Substatus == nu.Substatus {
		return true
	}
	sub := map[string][]string{"New": {"Pending", "Received"}, "Active": {"Accepted"}, "Closed": {"Won", "Lost", "Declined", "Expired"}}
	next := map[string][]string{"New": {"New", "Active", "Closed"}, "Active": {"Active", "Closed"}, "Closed": {"Closed"}, "": {"New", "Active", "Closed"}, "None": {"New", "Active", "Closed"}}
	return slices.Contains(next[old.Status], nu.Status) && slices.Contains(sub[nu.Status], nu.Substatus)
}

func applyPatch(r *sync.Referral, ch sync.FieldChange) error {
	bad := func() error { return fmt.Errorf("400 %s %s: value %T not accepted", ch.Op, ch.Path, ch.Value) }
	s, isStr := ch.Value.(string)
	switch ch.Path {
	case "/name":
		if !isStr {
			return bad()
		}
		r.Name = s
	case "/externalReferenceId":
		r.ExternalReferenceID = s
	case "/status":
		r.Status = s
	case "/substatus":
		r.Substatus = s
	case "/statusReason":
		r.StatusReason = s
	case "/details/dealValue":
		v, ok := ch.Value.(float64)
		if !ok {
			return bad()
		}
		r.DealValue = v
	case "/details/currency":
		r.Currency = s
	case "/details/closingDateTime":
		if len(s) >= 10 {
			s = s[:10]
		}
		r.CloseDate = s
	case "/details/notes":
		r.Notes = s
	case "/consent/consentToShareReferralWithMicrosoftSellers":
		v, ok := ch.Value.(bool)
		if !ok {
			return bad()
		}
		r.SharedWithMicrosoft = v
	case "/inviteContext/assistanceRequestCode":
		r.HelpCode = s
	case "/customerProfile/team":
		v, ok := ch.Value.([]sync.Contact)
		if !ok {
			return bad()
		}
		r.Contacts = slices.Clone(v)
	case "/details/requirements/solutions":
		v, ok := ch.Value.([]sync.Solution)
		if !ok {
			return bad()
		}
		r.Solutions = slices.Clone(v)
	default:
		return fmt.Errorf("400 path %s is not supported", ch.Path)
	}
	return nil
}

// ---- Dynamics ----

// PutRow stores a row out of band (a user's edit): new ETag and modifiedon.
func (c *Cloud) PutRow(table, id string, values map[string]any) sync.Row {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.table(table)
	row, ok := t[id]
	if !ok {
		row = &sync.Row{Table: table, ID: id, Values: map[string]any{}}
		t[id] = row
	}
	maps.Copy(row.Values, values)
	row.ModifiedOn = c.tick()
	row.ETag = c.etag()
	return cloneRow(row)
}

// Row returns a stored row.
func (c *Cloud) Row(table, id string) (sync.Row, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.table(table)[id]
	if !ok {
		return sync.Row{}, false
	}
	return cloneRow(r), true
}

// Rows returns every row of a table, by id.
func (c *Cloud) Rows(table string) []sync.Row {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []sync.Row
	for _, r := range c.table(table) {
		out = append(out, cloneRow(r))
	}
	slices.SortFunc(out, func(a, b sync.Row) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (c *Cloud) table(name string) map[string]*sync.Row {
	t, ok := c.tables[name]
	if !ok {
		t = map[string]*sync.Row{}
		c.tables[name] = t
	}
	return t
}

func cloneRow(r *sync.Row) sync.Row {
	out := *r
	out.Values = maps.Clone(r.Values)
	return out
}

type dynPort struct{ c *Cloud }

func (p dynPort) ReadVariables(ctx context.Context, names []string) (map[string]string, error) {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Calls.ReadVariables++
	out := map[string]string{}
	for _, n := range names {
		if v, ok := c.vars[n]; ok {
			out[n] = v
		}
	}
	return out, nil
}

func (p dynPort) ListRows(ctx context.Context, q sync.RowQuery, page func([]sync.Row) error) error {
	c := p.c
	c.mu.Lock()
	c.Calls.ListRows++
	var out []sync.Row
	for _, r := range c.table(q.Table) {
		if matchRow(r, q) {
			row := cloneRow(r)
			sel := map[string]any{}
			for _, col := range q.Columns {
				if v, ok := row.Values[col]; ok {
					sel[col] = v
				}
			}
			row.Values = sel
			out = append(out, row)
		}
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b sync.Row) int { return strings.Compare(a.ID, b.ID) })
	for len(out) > 0 {
		n := min(len(out), 500)
		if err := page(out[:n]); err != nil {
			return err
		}
		out = out[n:]
	}
	return nil
}

func matchRow(r *sync.Row, q sync.RowQuery) bool {
	if !q.ModifiedSince.IsZero() && r.ModifiedOn.Before(q.ModifiedSince) {
		return false
	}
	if len(q.IDs) == 0 && len(q.Where) == 0 {
		return true
	}
	if slices.Contains(q.IDs, r.ID) {
		return true
	}
	for _, cond := range q.Where {
		v, ok := r.Values[cond.Column]
		if cond.NotNull {
			if ok && v != nil && v != "" {
				return true
			}
			continue
		}
		for _, want := range cond.Values {
			if equalValue(v, want) {
				return true
			}
		}
	}
	return false
}

// equalValue compares like Dataverse: strings case-insensitively, lookups by id.
func equalValue(have, want any) bool {
	if ref, ok := have.(sync.Ref); ok {
		have = ref.ID
	}
	hs, ok1 := have.(string)
	ws, ok2 := want.(string)
	if ok1 && ok2 {
		return strings.EqualFold(hs, ws)
	}
	return have == want
}

// Apply is atomic per group for upserts and updates (one change set, as
// the real adapter sends them): when one fails, the group's earlier
// upserts/updates are rolled back and report sync.ErrSkipped. Actions
// (win, lose, set state) follow the change set and are not rolled back.
func (p dynPort) Apply(ctx context.Context, writes []sync.Write) []sync.WriteResult {
	c := p.c
	out := make([]sync.WriteResult, len(writes))
	c.mu.Lock()
	c.Calls.Apply++
	c.mu.Unlock()
	type undo struct {
		table, id string
		prev      *sync.Row // nil: the row did not exist
		index     int
	}
	var (
		group string
		log   []undo
		dead  bool
	)
	for i, w := range writes {
		if i == 0 || w.Group != group {
			group, log, dead = w.Group, nil, false
		}
		if dead {
			out[i].Err = fmt.Errorf("%w (an earlier write of the group failed)", sync.ErrSkipped)
			continue
		}
		c.before(string(w.Kind), w.ID)
		c.mu.Lock()
		c.Calls.Writes++
		var prev *sync.Row
		if r, ok := c.table(w.Table)[w.ID]; ok {
			cp := cloneRow(r)
			prev = &cp
		}
		etag, err := c.write(w)
		if err == nil && (w.Kind == sync.WriteUpsert || w.Kind == sync.WriteUpdate) {
			log = append(log, undo{w.Table, w.ID, prev, i})
		}
		if err != nil {
			dead = true
			for j := len(log) - 1; j >= 0; j-- { // roll the change set back
				u := log[j]
				if u.prev == nil {
					delete(c.table(u.table), u.id)
				} else {
					r := *u.prev
					c.table(u.table)[u.id] = &r
				}
				out[u.index] = sync.WriteResult{Err: fmt.Errorf("%w (rolled back: %v)", sync.ErrSkipped, err)}
			}
			log = nil
		}
		c.mu.Unlock()
		if out[i].Err == nil {
			out[i] = sync.WriteResult{ETag: etag, Err: err}
		}
	}
	return out
}

// write performs one write; the caller holds mu.
func (c *Cloud) write(w sync.Write) (string, error) {
	if err := c.writeAllowed(); err != nil {
		return "", err
	}
	t := c.table(w.Table)
	row, exists := t[w.ID]
	closed := exists && w.Table == sync.TableOpportunity && (row.Values["statecode"] == 1 || row.Values["statecode"] == 2)
	switch w.Kind {
	case sync.WriteUpsert, sync.WriteUpdate:
		if w.Kind == sync.WriteUpdate {
			if !exists {
				return "", fmt.Errorf("%s %s: %w", w.Table, w.ID, sync.ErrNotFound)
			}
			if w.ETag != "" && w.ETag != row.ETag {
				return "", fmt.Errorf("%s %s: 412: %w", w.Table, w.ID, sync.ErrConflict)
			}
		}
		if closed {
			return "", fmt.Errorf("400 %s %s is closed and read-only", w.Table, w.ID)
		}
		if !exists {
			row = &sync.Row{Table: w.Table, ID: w.ID, Values: map[string]any{}}
			if w.Table == sync.TableOpportunity {
				row.Values["statecode"], row.Values["statuscode"] = 0, 1
			}
			t[w.ID] = row
		}
		for k, v := range w.Values {
			if v == nil {
				delete(row.Values, k)
			} else {
				row.Values[k] = v
			}
		}
	case sync.WriteWin, sync.WriteLose:
		if !exists {
			return "", fmt.Errorf("%s %s: %w", w.Table, w.ID, sync.ErrNotFound)
		}
		if closed {
			return "", fmt.Errorf("400 opportunity %s is already closed", w.ID)
		}
		row.Values["statecode"] = 1
		if w.Kind == sync.WriteLose {
			row.Values["statecode"] = 2
		}
		row.Values["statuscode"] = w.Status
	case sync.WriteSetState:
		if !exists {
			return "", fmt.Errorf("%s %s: %w", w.Table, w.ID, sync.ErrNotFound)
		}
		row.Values["statecode"], row.Values["statuscode"] = w.State, w.Status
	default:
		return "", fmt.Errorf("unknown write kind %q", w.Kind)
	}
	row.ModifiedOn = c.tick()
	row.ETag = c.etag()
	return row.ETag, nil
}
