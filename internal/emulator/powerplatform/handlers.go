package powerplatform

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

var (
	filterRe = regexp.MustCompile(`(?i)^\s*environment\s+eq\s+'([^']*)'\s*$`)
	nameRe   = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)
)

// queryEnv checks api-version and parses the optional
// "$filter=environment eq '<id>'". It writes the error and returns ok=false
// when the request is invalid.
func (s *Service) queryEnv(w http.ResponseWriter, r *http.Request) (env string, ok bool) {
	q := r.URL.Query()
	if q.Get("api-version") == "" {
		s.WriteError(w, http.StatusBadRequest, "MissingApiVersionParameter",
			"The api-version query parameter (?api-version=) is required for all requests.")
		return "", false
	}
	f, has := q["$filter"]
	if !has {
		return "", true
	}
	m := filterRe.FindStringSubmatch(strings.Join(f, " "))
	if m == nil {
		s.WriteError(w, http.StatusBadRequest, "InvalidFilter",
			fmt.Sprintf("The filter '%s' is not supported; use $filter=environment eq '<environment id>'.", strings.Join(f, " ")))
		return "", false
	}
	return m[1], true
}

// requireEnv writes 404 ServiceToServiceEnvironmentNotFound for an unknown
// environment (the Terraform provider retries it for new environments).
func (s *Service) requireEnv(w http.ResponseWriter, env string) bool {
	if _, ok := s.environment(env); ok {
		return true
	}
	s.WriteError(w, http.StatusNotFound, "ServiceToServiceEnvironmentNotFound",
		fmt.Sprintf("The environment '%s' could not be found in the tenant.", env))
	return false
}

func (s *Service) notFound(w http.ResponseWriter, api, name string) {
	s.WriteError(w, http.StatusNotFound, "ConnectionNotFound",
		fmt.Sprintf("Could not find connection '%s' for API '%s'.", name, api))
}

// singleEnv resolves the environment of a single-connection request, which
// must name it in $filter.
func (s *Service) singleEnv(w http.ResponseWriter, r *http.Request) (string, bool) {
	env, ok := s.queryEnv(w, r)
	if !ok {
		return "", false
	}
	if env == "" {
		s.WriteError(w, http.StatusBadRequest, "MissingEnvironmentFilter",
			"The request must name the environment: $filter=environment eq '<environment id>'.")
		return "", false
	}
	return env, s.requireEnv(w, env)
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request) {
	env, ok := s.singleEnv(w, r)
	if !ok {
		return
	}
	api, name := r.PathValue("api"), r.PathValue("name")
	c, found := s.Connection(env, name)
	if !found || !strings.EqualFold(c.API, api) {
		s.notFound(w, api, name)
		return
	}
	core.WriteJSON(w, http.StatusOK, toWire(&c))
}

func (s *Service) handleDelete(w http.ResponseWriter, r *http.Request) {
	env, ok := s.singleEnv(w, r)
	if !ok {
		return
	}
	api, name := r.PathValue("api"), r.PathValue("name")
	s.mu.Lock()
	c, found := s.connections[key(env, name)]
	if found && strings.EqualFold(c.API, api) {
		delete(s.connections, key(env, name))
	}
	s.mu.Unlock()
	if !found || !strings.EqualFold(c.API, api) {
		s.notFound(w, api, name)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request) {
	env, ok := s.queryEnv(w, r)
	if !ok || (env != "" && !s.requireEnv(w, env)) {
		return
	}
	api := r.PathValue("api") // empty on /connectivity/connections
	value := []connectionJSON{}
	for _, c := range s.Connections(env) {
		if api == "" || strings.EqualFold(c.API, api) {
			value = append(value, toWire(&c))
		}
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"value": value})
}

func (s *Service) handlePut(w http.ResponseWriter, r *http.Request) {
	env, ok := s.queryEnv(w, r)
	if !ok {
		return
	}
	api, name := r.PathValue("api"), r.PathValue("name")
	var body putBody
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		s.WriteError(w, http.StatusBadRequest, "InvalidRequestContent", "The request content is not valid JSON: "+err.Error())
		return
	}
	props := body.Properties
	if env == "" && props.Environment != nil {
		env = props.Environment.Name
	}
	if env == "" {
		s.WriteError(w, http.StatusBadRequest, "MissingEnvironmentFilter",
			"The request must name the environment: $filter=environment eq '<environment id>'.")
		return
	}
	if !s.requireEnv(w, env) {
		return
	}
	if props.Environment != nil && props.Environment.Name != "" && !strings.EqualFold(props.Environment.Name, env) {
		s.WriteError(w, http.StatusBadRequest, "EnvironmentMismatch",
			fmt.Sprintf("The environment '%s' in the body does not match the environment '%s' of the request.", props.Environment.Name, env))
		return
	}
	conn, known := s.connector(api)
	if !known {
		s.WriteError(w, http.StatusNotFound, "ApiNotFound", fmt.Sprintf("The API '%s' could not be found.", api))
		return
	}
	if !nameRe.MatchString(name) {
		s.WriteError(w, http.StatusBadRequest, "InvalidConnectionName", fmt.Sprintf("The connection name '%s' is not valid.", name))
		return
	}
	set := fromWireSet(props.ConnectionParametersSet)
	if set != nil && props.ConnectionParameters != nil {
		s.WriteError(w, http.StatusBadRequest, "InvalidRequestContent",
			"Specify either 'connectionParameters' or 'connectionParametersSet', not both.")
		return
	}
	if set != nil {
		if !slices.Contains(conn.ParameterSets, set.Name) {
			s.WriteError(w, http.StatusBadRequest, "InvalidConnectionParameterSet",
				fmt.Sprintf("The connection parameter set '%s' is not supported by API '%s'.", set.Name, api))
			return
		}
		if set.Name == ParameterSetOAuthSP {
			if missing := missingSPValues(set); len(missing) > 0 {
				s.WriteError(w, http.StatusBadRequest, "MissingConnectionParameters",
					fmt.Sprintf("The connection parameter set '%s' requires values for: %s.", set.Name, strings.Join(missing, ", ")))
				return
			}
		}
	}
	displayName := props.DisplayName
	if displayName == "" {
		displayName = conn.DisplayName
	}

	now := s.opts.Now().UTC()
	candidate := Connection{EnvironmentID: env, API: conn.Name, Name: name, DisplayName: displayName,
		ConnectionParameters: props.ConnectionParameters, ParameterSet: set}
	s.mu.Lock()
	existing, exists := s.connections[key(env, name)]
	var prev Connection
	if exists {
		prev = existing.clone()
	}
	s.mu.Unlock()
	if exists && !strings.EqualFold(prev.API, api) {
		s.WriteError(w, http.StatusConflict, "ConnectionNameConflict",
			fmt.Sprintf("A connection named '%s' already exists for API '%s'.", name, prev.API))
		return
	}
	// Computed outside the lock: it may ask the directory. An update that
	// keeps the credentials keeps the status (and any consent given).
	status, statusErr := s.initialStatus(&candidate)
	credsChanged := !exists || !reflect.DeepEqual(prev.ParameterSet, set) ||
		!reflect.DeepEqual(prev.ConnectionParameters, props.ConnectionParameters)

	s.mu.Lock()
	code := http.StatusCreated
	if cur, ok := s.connections[key(env, name)]; ok {
		code = http.StatusOK
		cur.DisplayName, cur.ConnectionParameters, cur.ParameterSet = displayName, props.ConnectionParameters, set
		if credsChanged {
			cur.Status, cur.Error = status, statusErr
		}
		cur.LastModifiedTime = now
		candidate = cur.clone()
	} else {
		candidate.Status, candidate.Error = status, statusErr
		candidate.CreatedBy = principal(core.ClaimsFrom(r.Context()))
		candidate.CreatedTime, candidate.LastModifiedTime = now, now
		stored := candidate.clone()
		s.connections[key(env, name)] = &stored
	}
	s.mu.Unlock()
	core.WriteJSON(w, code, toWire(&candidate))
}

// principal describes the caller as the API's createdBy.
func principal(c *core.Claims) Principal {
	if c == nil {
		return Principal{}
	}
	if c.AppOnly {
		return Principal{ID: c.ObjectID, DisplayName: c.AppID, Type: "ServicePrincipal", TenantID: c.TenantID}
	}
	return Principal{ID: c.ObjectID, DisplayName: c.UPN, Email: c.UPN, Type: "User", TenantID: c.TenantID, UserPrincipalName: c.UPN}
}
