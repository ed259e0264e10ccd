package emulator

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
)

// Admin routes for the sync's tests and demo: what Microsoft sellers and CRM
// users do outside the provider.
//
//	GET   /_emulator/referrals            every referral (JSON {"value": [...]})
//	GET   /_emulator/referrals/{id}       one referral
//	POST  /_emulator/referrals            store a referral as Partner Center would receive it
//	                                      (e.g. a Microsoft invitation; no validation; 201 + the referral)
//	PATCH /_emulator/referrals/{id}       change a referral as a Microsoft seller would: a JSON Patch array
//	                                      of add/replace/remove ops on any path, read-only fields included
//	                                      (status, trackingInfo/microsoftMsxId, …); eTag and updatedDateTime
//	                                      are bumped; 200 + the referral
//	POST  /_emulator/dataverse/{set}      create a row as a CRM user would (Web API shape; 201 {"id": …})
func (e *Emulator) addSyncAdminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_emulator/referrals", func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"value": e.pc.Referrals()})
	})
	mux.HandleFunc("GET /_emulator/referrals/{id}", func(w http.ResponseWriter, r *http.Request) {
		ref, ok := e.pc.Referral(r.PathValue("id"))
		if !ok {
			adminError(w, http.StatusNotFound, "no referral "+r.PathValue("id"))
			return
		}
		core.WriteJSON(w, http.StatusOK, ref)
	})
	mux.HandleFunc("POST /_emulator/referrals", func(w http.ResponseWriter, r *http.Request) {
		var ref partnercenter.Referral
		if err := json.NewDecoder(r.Body).Decode(&ref); err != nil {
			adminError(w, http.StatusBadRequest, "invalid referral JSON: "+err.Error())
			return
		}
		if _, exists := e.pc.Referral(ref.ID()); ref.ID() != "" && exists {
			adminError(w, http.StatusConflict, "referral "+ref.ID()+" exists; PATCH it instead")
			return
		}
		stored, err := e.pc.PutReferral(ref)
		if err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		core.WriteJSON(w, http.StatusCreated, stored)
	})
	mux.HandleFunc("PATCH /_emulator/referrals/{id}", func(w http.ResponseWriter, r *http.Request) {
		var ops []struct {
			Op    string `json:"op"`
			Path  string `json:"path"`
			Value any    `json:"value"`
		}
		if err := json.NewDecoder(r.Body).Decode(&ops); err != nil {
			adminError(w, http.StatusBadRequest, "want a JSON Patch array: "+err.Error())
			return
		}
		for _, op := range ops {
			if op.Op != "add" && op.Op != "replace" && op.Op != "remove" {
				adminError(w, http.StatusBadRequest, "op must be add, replace or remove, not "+op.Op)
				return
			}
			if !strings.HasPrefix(op.Path, "/") || op.Path == "/id" {
				adminError(w, http.StatusBadRequest, "path must be a JSON Pointer other than /id, not "+op.Path)
				return
			}
		}
		apply := func(ref *partnercenter.Referral) error {
			for _, op := range ops {
				if op.Op == "remove" {
					ref.Delete(op.Path)
				} else if err := ref.Set(op.Path, op.Value); err != nil {
					return err
				}
			}
			return nil
		}
		trial, ok := e.pc.Referral(r.PathValue("id"))
		if !ok {
			adminError(w, http.StatusNotFound, "no referral "+r.PathValue("id"))
			return
		}
		if err := apply(&trial); err != nil { // nothing is stored when an op fails
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		ref, ok := e.pc.UpdateReferral(r.PathValue("id"), func(ref *partnercenter.Referral) { _ = apply(ref) })
		if !ok {
			adminError(w, http.StatusNotFound, "no referral "+r.PathValue("id"))
			return
		}
		core.WriteJSON(w, http.StatusOK, ref)
	})
	mux.HandleFunc("POST /_emulator/dataverse/{set}", func(w http.ResponseWriter, r *http.Request) {
		var row map[string]any
		if err := json.NewDecoder(r.Body).Decode(&row); err != nil {
			adminError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
			return
		}
		id, err := e.dv.CreateRecord(r.PathValue("set"), row)
		if err != nil {
			adminError(w, http.StatusBadRequest, err.Error())
			return
		}
		core.WriteJSON(w, http.StatusCreated, map[string]string{"id": id})
	})
}
