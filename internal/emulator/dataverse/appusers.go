package dataverse

import (
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Application users. dataverse-api.md §1.1: "The app must be an application
// user in the environment"; the Terraform provider it cites sees 403 until
// the caller is provisioned. An app-only token of an app that is not listed
// is answered 403 codeNotMember (see facts.go); delegated (user) tokens pass,
// the tenant's users being members of the organisation.

// appUsers is the set of client ids registered as application users; nil
// (no list in the scenario) registers every app.
type appUsers struct {
	mu  sync.Mutex
	ids map[string]bool
}

func newAppUsers(list []string) *appUsers {
	a := &appUsers{}
	if list != nil {
		a.ids = map[string]bool{}
		for _, id := range list {
			a.ids[strings.ToLower(id)] = true
		}
	}
	return a
}

func (a *appUsers) member(clientID string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ids == nil || a.ids[strings.ToLower(clientID)]
}

// AddApplicationUser registers an app as an application user.
func (s *Service) AddApplicationUser(clientID string) {
	s.appUsers.mu.Lock()
	defer s.appUsers.mu.Unlock()
	if s.appUsers.ids == nil {
		s.appUsers.ids = map[string]bool{}
	}
	s.appUsers.ids[strings.ToLower(clientID)] = true
}

// RemoveApplicationUser removes an app's application user; from then on its
// app-only tokens are answered 403. It reports whether the app had one.
func (s *Service) RemoveApplicationUser(clientID string) bool {
	s.appUsers.mu.Lock()
	defer s.appUsers.mu.Unlock()
	if s.appUsers.ids == nil {
		// Every app was a member: from now on only the listed ones are.
		s.appUsers.ids = map[string]bool{}
		return true
	}
	had := s.appUsers.ids[strings.ToLower(clientID)]
	delete(s.appUsers.ids, strings.ToLower(clientID))
	return had
}

// ApplicationUsers lists the registered client ids (nil: every app).
func (s *Service) ApplicationUsers() []string {
	s.appUsers.mu.Lock()
	defer s.appUsers.mu.Unlock()
	if s.appUsers.ids == nil {
		return nil
	}
	out := make([]string, 0, len(s.appUsers.ids))
	for id := range s.appUsers.ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// requireApplicationUser answers 403 to app-only callers without an
// application user (after authentication, before throttling).
func (s *Service) requireApplicationUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c := core.ClaimsFrom(r.Context()); c != nil && c.AppOnly && !s.appUsers.member(c.AppID) {
			s.WriteError(w, http.StatusForbidden, codeNotMember, "The user is not a member of the organization.")
			return
		}
		next.ServeHTTP(w, r)
	})
}
