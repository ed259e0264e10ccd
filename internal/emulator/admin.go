package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// AdminPrefix is where every listener serves the admin API. Admin routes
// bypass authentication and fault injection and are not counted.
const AdminPrefix = "/_emulator/"

// Service names used for metrics and faults.
const (
	ServiceEntra         = "entra"
	ServiceReferrals     = "referrals"
	ServiceWebhooks      = "webhooks"
	ServiceDataverse     = "dataverse"
	ServicePowerPlatform = "powerplatform"
)

// ServiceNames lists every service, in listener order.
var ServiceNames = []string{ServiceEntra, ServiceReferrals, ServiceWebhooks, ServiceDataverse, ServicePowerPlatform}

// adminHandler serves:
//
//	GET    /_emulator/metrics           metrics snapshot (JSON array of counts)
//	POST   /_emulator/metrics/reset     zero the counters (204)
//	GET    /_emulator/faults/{service}  current faults ({} when none)
//	PUT    /_emulator/faults/{service}  replace them (core.Faults JSON)
//	DELETE /_emulator/faults/{service}  clear them (204)
//	GET    /_emulator/dataverse/{set}        rows of a Dataverse entity set
//	PATCH  /_emulator/dataverse/{set}/{id}   change a row as a portal user would (JSON columns; 204)
//	DELETE /_emulator/dataverse/{set}/{id}   delete a row as a portal user would (204)
//
//	…and the referral routes of admin_sync.go.
//
// The Dataverse routes let a demo or a user simulate edits made outside
// Terraform, to see them as drift in the next plan.
func (e *Emulator) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_emulator/metrics", func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, e.metrics.Snapshot())
	})
	mux.HandleFunc("POST /_emulator/metrics/reset", func(w http.ResponseWriter, r *http.Request) {
		e.metrics.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_emulator/faults/{service}", e.withService(func(w http.ResponseWriter, r *http.Request, svc string) {
		f := e.faults.Get(svc)
		if f == nil {
			f = &core.Faults{}
		}
		core.WriteJSON(w, http.StatusOK, f)
	}))
	mux.HandleFunc("PUT /_emulator/faults/{service}", e.withService(func(w http.ResponseWriter, r *http.Request, svc string) {
		var f core.Faults
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			adminError(w, http.StatusBadRequest, "invalid faults JSON: "+err.Error())
			return
		}
		e.faults.Set(svc, &f)
		core.WriteJSON(w, http.StatusOK, &f)
	}))
	mux.HandleFunc("DELETE /_emulator/faults/{service}", e.withService(func(w http.ResponseWriter, r *http.Request, svc string) {
		e.faults.Set(svc, nil)
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("GET /_emulator/dataverse/{set}", func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"value": e.dv.Records(r.PathValue("set"))})
	})
	mux.HandleFunc("PATCH /_emulator/dataverse/{set}/{id}", func(w http.ResponseWriter, r *http.Request) {
		var changes map[string]any
		if err := json.NewDecoder(r.Body).Decode(&changes); err != nil {
			adminError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
			return
		}
		if err := e.dv.PatchRecord(r.PathValue("set"), r.PathValue("id"), changes); err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /_emulator/dataverse/{set}/{id}", func(w http.ResponseWriter, r *http.Request) {
		if err := e.dv.DeleteRecord(r.PathValue("set"), r.PathValue("id")); err != nil {
			adminError(w, http.StatusNotFound, err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	e.addSyncAdminRoutes(mux)
	mux.HandleFunc("/_emulator/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, "unknown admin route "+r.Method+" "+r.URL.Path)
	})
	return mux
}

func (e *Emulator) withService(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		svc := r.PathValue("service")
		if !slices.Contains(ServiceNames, svc) {
			adminError(w, http.StatusNotFound, "unknown service "+svc+"; one of "+strings.Join(ServiceNames, ", "))
			return
		}
		h(w, r, svc)
	}
}

func adminError(w http.ResponseWriter, status int, msg string) {
	core.WriteJSON(w, status, map[string]string{"error": msg})
}

// serviceHandler puts the admin API in front of a service's handler, which
// is wrapped with metrics and faults. A prefix check (not a ServeMux) keeps
// Request.Pattern for the service's own mux, which metrics key on.
func (e *Emulator) serviceHandler(name string, writeErr core.ErrorWriter, h http.Handler) http.Handler {
	api := e.metrics.Middleware(name, e.faults.Middleware(name, writeErr, h))
	admin := e.adminHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, AdminPrefix) {
			admin.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}
