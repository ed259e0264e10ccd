// Package powerplatform emulates the Power Platform "connectivity" API
// (api.powerplatform.com) that creates, reads, updates, deletes and lists
// connections (dataverse-api.md §6.3A).
package powerplatform

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Options configure a Service.
type Options struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// CheckClientSecret, when set, validates the credentials of a service
	// principal (oauthSP) connection against the directory; a connection
	// with credentials it refuses is created in Error. Nil accepts any.
	CheckClientSecret func(tenantID, clientID, secret string) bool
}

type connKey struct{ env, name string }

// Service is the emulated connectivity API.
type Service struct {
	v    core.TokenVerifier
	opts Options

	mu          sync.Mutex
	envs        map[string]Environment // by lower-case id
	connectors  map[string]Connector   // by lower-case api name
	connections map[connKey]*Connection
}

// New builds the service from a scenario.
func New(v core.TokenVerifier, sc Scenario, opts Options) (*Service, error) {
	if err := sc.validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{v: v, opts: opts, envs: map[string]Environment{}, connectors: map[string]Connector{}, connections: map[connKey]*Connection{}}
	for _, e := range sc.Environments {
		s.envs[strings.ToLower(e.ID)] = e
	}
	connectors := sc.Connectors
	if len(connectors) == 0 {
		connectors = DefaultConnectors()
	}
	for _, c := range connectors {
		s.connectors[strings.ToLower(c.Name)] = c
	}
	for _, c := range sc.Connections {
		c := c
		now := opts.Now().UTC()
		if c.CreatedTime.IsZero() {
			c.CreatedTime = now
		}
		if c.LastModifiedTime.IsZero() {
			c.LastModifiedTime = c.CreatedTime
		}
		if c.Status == "" {
			c.Status, c.Error = s.initialStatus(&c)
		}
		s.connections[key(c.EnvironmentID, c.Name)] = &c
	}
	return s, nil
}

func key(env, name string) connKey {
	return connKey{strings.ToLower(env), strings.ToLower(name)}
}

// Handler serves /connectivity/...; every route needs a token for
// https://api.powerplatform.com (app or user).
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /connectivity/connectors/{api}/connections/{name}", s.handlePut)
	mux.HandleFunc("GET /connectivity/connectors/{api}/connections/{name}", s.handleGet)
	mux.HandleFunc("DELETE /connectivity/connectors/{api}/connections/{name}", s.handleDelete)
	mux.HandleFunc("GET /connectivity/connectors/{api}/connections", s.handleList)
	mux.HandleFunc("GET /connectivity/connections", s.handleList)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.WriteError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("The route '%s %s' is not supported by this API.", r.Method, r.URL.Path))
	})
	return core.RequireToken(s.v, core.AuthPolicy{Audience: func() string { return core.AudiencePowerPlatform }}, s.WriteError, mux)
}

// WriteError writes the connectivity API's error body
// {"error":{"code":...,"message":...}}; it satisfies core.ErrorWriter.
func (s *Service) WriteError(w http.ResponseWriter, status int, code, message string) {
	core.WriteJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// Connection returns a copy of a stored connection (secrets included).
func (s *Service) Connection(envID, name string) (Connection, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connections[key(envID, name)]
	if !ok {
		return Connection{}, false
	}
	return c.clone(), true
}

// Connections returns copies of an environment's connections ("" = all),
// sorted by name.
func (s *Service) Connections(envID string) []Connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Connection
	for k, c := range s.connections {
		if envID == "" || k.env == strings.ToLower(envID) {
			out = append(out, c.clone())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ConnectionExists reports whether a connection of that name exists in the
// environment (the Dataverse emulator checks connection references with it).
func (s *Service) ConnectionExists(envID, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.connections[key(envID, name)]
	return ok
}

// PutConnection stores a connection as is (drift tests). An empty status is
// computed as a PUT would.
func (s *Service) PutConnection(c Connection) error {
	if _, ok := s.environment(c.EnvironmentID); !ok {
		return fmt.Errorf("powerplatform: unknown environment %s", c.EnvironmentID)
	}
	now := s.opts.Now().UTC()
	if c.CreatedTime.IsZero() {
		c.CreatedTime = now
	}
	c.LastModifiedTime = now
	if c.Status == "" {
		c.Status, c.Error = s.initialStatus(&c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connections[key(c.EnvironmentID, c.Name)] = &c
	return nil
}

// DeleteConnection removes a connection out of band (disappears tests).
func (s *Service) DeleteConnection(envID, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(envID, name)
	_, ok := s.connections[k]
	delete(s.connections, k)
	return ok
}

// SetStatus sets a connection's status; err explains a non-Connected one.
func (s *Service) SetStatus(envID, name, status string, err *ConnectionError) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connections[key(envID, name)]
	if !ok {
		return false
	}
	c.Status, c.Error = status, err
	if status == StatusConnected {
		c.Error = nil
	}
	return true
}

// Consent marks every connection of that name Connected, as signing in from
// the Power Apps / Power Automate portal does. It reports whether one existed.
func (s *Service) Consent(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	found := false
	for k, c := range s.connections {
		if k.name == strings.ToLower(name) {
			c.Status, c.Error, found = StatusConnected, nil, true
		}
	}
	return found
}

// AddEnvironment makes an environment known (e.g. a second stage).
func (s *Service) AddEnvironment(e Environment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.envs[strings.ToLower(e.ID)] = e
}

func (s *Service) environment(id string) (Environment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.envs[strings.ToLower(id)]
	return e, ok
}

func (s *Service) connector(api string) (Connector, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connectors[strings.ToLower(api)]
	return c, ok
}

func (c *Connection) clone() Connection {
	out := *c
	if c.ConnectionParameters != nil {
		out.ConnectionParameters = make(map[string]any, len(c.ConnectionParameters))
		for k, v := range c.ConnectionParameters {
			out.ConnectionParameters[k] = v
		}
	}
	if c.ParameterSet != nil {
		ps := ParameterSet{Name: c.ParameterSet.Name, Values: make(map[string]string, len(c.ParameterSet.Values))}
		for k, v := range c.ParameterSet.Values {
			ps.Values[k] = v
		}
		out.ParameterSet = &ps
	}
	if c.Error != nil {
		e := *c.Error
		out.Error = &e
	}
	return out
}
