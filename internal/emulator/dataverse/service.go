// Package dataverse emulates the Dataverse Web API v9.2 (also answered under
// v9.0): records with OData queries, ETags and $batch, the metadata API
// (tables, columns, choices, 1:N relationships), the actions the provider
// uses, cloud-flow activation checks, environment variables, and service
// protection limits. It is written from ../shared/reference/dataverse-api.md;
// every behaviour the reference leaves open is decided in facts.go.
package dataverse

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Options wires the service into the composed emulator.
type Options struct {
	// OrgURL is the organisation URL (https://127.0.0.1:P): the token audience
	// and the prefix of absolute URLs in OData-EntityId and @odata.nextLink.
	OrgURL func() string
	// EnvironmentID is the Power Platform environment this org belongs to.
	EnvironmentID string
	// ConnectionExists reports whether a Power Platform connection exists;
	// used when a cloud flow is activated. nil accepts any non-empty id.
	ConnectionExists func(envID, connectionName string) bool
	// Now is the clock for createdon/modifiedon and the throttling window.
	Now func() time.Time
}

// Service is the emulated Dataverse organisation.
type Service struct {
	v    core.TokenVerifier
	opts Options

	// mu guards everything below. Reads take it shared, writes exclusive; a
	// $batch holds it exclusively for its whole run.
	mu         sync.RWMutex
	schema     *schema
	data       map[string]map[string]record // table logical name → id → row
	rowVersion int64
	// tableVersions counts the row changes of each table (touchTable); the
	// indexes in idx belong to one version.
	tableVersions map[string]uint64
	idx           indexCache
	tx            *txn
	publishes     int
	publishedXML  []string
	solutions     map[string][]SolutionComponent

	lim      *limiter
	appUsers *appUsers
}

// SolutionComponent records a metadata component created or updated with an
// MSCRM.SolutionUniqueName header.
type SolutionComponent struct {
	Kind        string `json:"kind"` // Entity, Attribute, Relationship, OptionSet
	Table       string `json:"table,omitempty"`
	LogicalName string `json:"logical_name"`
	MetadataID  string `json:"metadata_id"`
}

// New builds the organisation from the built-in tables and the scenario.
func New(v core.TokenVerifier, sc Scenario, opts Options) (*Service, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OrgURL == nil {
		opts.OrgURL = func() string { return "https://127.0.0.1" }
	}
	s := &Service{
		v:          v,
		opts:       opts,
		schema:     standardSchema(),
		data:       map[string]map[string]record{},
		rowVersion: sc.RowVersionStart,
		solutions:  map[string][]SolutionComponent{},
	}
	if s.rowVersion == 0 {
		s.rowVersion = defaultRowVersionStart
	}
	for name := range s.schema.tables {
		s.data[name] = map[string]record{}
	}
	s.lim = newLimiter(sc.Limits, opts.Now)
	s.appUsers = newAppUsers(sc.ApplicationUsers)
	if err := s.applyScenario(sc); err != nil {
		return nil, fmt.Errorf("dataverse scenario: %w", err)
	}
	return s, nil
}

func (s *Service) orgURL() string { return strings.TrimRight(s.opts.OrgURL(), "/") }

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// Handler serves /api/data/v9.2/… and /api/data/v9.0/…. Every request is
// authenticated (audience = org URL, app or user tokens), throttled per caller,
// then dispatched under the store lock.
func (s *Service) Handler() http.Handler {
	authed := core.RequireToken(s.v, core.AuthPolicy{Audience: s.orgURL}, s.WriteError, s.requireApplicationUser(s.lim.middleware(s, http.HandlerFunc(s.serveLocked))))
	mux := http.NewServeMux()
	for _, ver := range []string{"v9.2", "v9.0"} {
		mux.Handle("/api/data/"+ver+"/{rest...}", s.route(ver, authed))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.WriteError(w, http.StatusNotFound, codeUnknownProperty, "Resource not found for the segment '"+strings.TrimPrefix(r.URL.Path, "/")+"'.")
	})
	return mux
}

type versionKey struct{}

// route names the request for metrics (r.Pattern, read by core.Metrics after
// the request) with keys replaced by placeholders, e.g.
// "PATCH /api/data/v9.2/opportunities({id})", then hands it on.
func (s *Service) route(ver string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/api/data/"+ver+"/")
		if segs, err := splitPath(rest); err == nil {
			r.Pattern = r.Method + " /api/data/" + ver + "/" + routeName(segs)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), versionKey{}, ver)))
	})
}

func apiVersion(r *http.Request) string {
	if v, ok := r.Context().Value(versionKey{}).(string); ok {
		return v
	}
	return "v9.2"
}

// serveLocked takes the store lock (shared for reads) and dispatches.
func (s *Service) serveLocked(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		s.mu.RLock()
		defer s.mu.RUnlock()
	} else {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.dispatch(w, r)
}

// dispatch handles one request with the lock already held (also used for the
// parts of a $batch). Mutating requests run in a transaction that is rolled
// back when they answer with an error, so a failed cascade leaves no trace.
func (s *Service) dispatch(w http.ResponseWriter, r *http.Request) {
	setRawHeader(w.Header(), "OData-Version", "4.0")
	setRawHeader(w.Header(), "REQ_ID", newGUID())
	if e := checkProtocolHeaders(r); e != nil {
		s.writeAPIError(w, e)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/api/data/"+apiVersion(r)+"/")
	segs, err := splitPath(rest)
	if err != nil {
		s.WriteError(w, http.StatusBadRequest, codeUnknownProperty, err.Error())
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead || s.tx != nil || (len(segs) == 1 && segs[0].Name == "$batch") {
		s.handle(w, r, segs)
		return
	}
	s.begin()
	sw := &statusRecorder{ResponseWriter: w}
	s.handle(sw, r, segs)
	if sw.status >= 400 {
		s.rollback()
	} else {
		s.commit()
	}
}

func (s *Service) handle(w http.ResponseWriter, r *http.Request, segs []segment) {
	if len(segs) == 0 || segs[0].Name == "" {
		s.writeServiceDocument(w, r)
		return
	}
	var e *apiError
	switch first := segs[0]; {
	case first.Name == "$batch" && len(segs) == 1:
		if r.Method != http.MethodPost {
			e = errf(http.StatusMethodNotAllowed, codeUnknownProperty, "The $batch endpoint only accepts POST.")
			break
		}
		s.handleBatch(w, r)
		return
	case first.Name == "EntityDefinitions":
		e = s.handleEntityDefinitions(w, r, segs)
	case first.Name == "RelationshipDefinitions":
		e = s.handleRelationshipDefinitions(w, r, segs)
	case isAction(first.Name):
		e = s.handleAction(w, r, segs)
	default:
		e = s.handleRecords(w, r, segs)
	}
	if e != nil {
		s.writeAPIError(w, e)
	}
}

// checkProtocolHeaders enforces OData 4.0 and JSON (see facts.go).
func checkProtocolHeaders(r *http.Request) *apiError {
	if v := r.Header.Get("OData-Version"); v != "" && strings.TrimSpace(v) != "4.0" {
		return errf(http.StatusBadRequest, codeODataPayload, "The OData-Version header value '%s' is not supported; use '4.0'.", v)
	}
	if a := r.Header.Get("Accept"); a != "" && !acceptsJSON(a) {
		return errf(http.StatusNotAcceptable, codeODataPayload, "The requested media type '%s' is not supported; this service only produces application/json.", a)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && r.ContentLength != 0 {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
		if mt != "application/json" && mt != "multipart/mixed" {
			return errf(http.StatusUnsupportedMediaType, codeODataPayload, "The content type '%s' is not supported; send application/json.", ct)
		}
	}
	return nil
}

func acceptsJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(part, ";")[0]))
		switch mt {
		case "application/json", "*/*", "application/*", "multipart/mixed", "application/http":
			return true
		}
	}
	return false
}

func (s *Service) writeServiceDocument(w http.ResponseWriter, r *http.Request) {
	var sets []map[string]any
	for _, t := range s.schema.sortedTables() {
		sets = append(sets, map[string]any{"name": t.EntitySetName, "kind": "EntitySet", "url": t.EntitySetName})
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": s.serviceRoot(r) + "$metadata", "value": sets})
}

// serviceRoot is <org>/api/data/v9.x/.
func (s *Service) serviceRoot(r *http.Request) string {
	return s.orgURL() + "/api/data/" + apiVersion(r) + "/"
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// newGUID returns a random version-4 GUID in Dataverse's lower-case form.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
