package partnercenter

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// callerKey scopes MS-RequestId idempotency to one caller (tenant + user or app).
func callerKey(r *http.Request) string {
	c := core.ClaimsFrom(r.Context())
	if c == nil {
		return ""
	}
	return c.TenantID + "|" + firstNonEmpty(c.ObjectID, c.AppID)
}

func (s *Service) createReferral(w http.ResponseWriter, r *http.Request) {
	var body any
	if err := readJSONBody(r, &body); err != nil {
		writeHTTPError(w, err)
		return
	}
	doc, ok := body.(map[string]any)
	if !ok {
		writeHTTPError(w, badRequest("InvalidRequestBody", "the request body must be a Referral JSON object"))
		return
	}
	key := ""
	if rid := r.Header.Get("MS-RequestId"); rid != "" {
		key = callerKey(r) + "|" + rid
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if key != "" {
		if id, seen := s.idempotency[key]; seen {
			if ref, ok := s.referrals[id]; ok { // a retry of a POST that already succeeded
				s.writeCreated(w, r, ref)
				return
			}
		}
	}
	errs := validateReferral(doc)
	if err := validateNewStatus(doc); err != nil {
		errs = append(errs, err.Error())
	}
	if v, present := doc["engagementId"]; present && v != nil {
		if e, ok := v.(string); !ok || !guidRE.MatchString(e) {
			errs = append(errs, "engagementId must be a GUID string")
		}
	}
	if len(errs) > 0 {
		writePCError(w, http.StatusBadRequest, "InvalidReferral", strings.Join(errs, "; "), errs)
		return
	}

	now := formatReferralTime(s.now())
	id := uuid.NewString()
	if e, _ := doc["engagementId"].(string); e == "" {
		doc["engagementId"] = uuid.NewString()
	}
	engagementID := doc["engagementId"].(string)
	doc["id"] = id
	doc["createdDateTime"] = now
	doc["updatedDateTime"] = now
	doc["eTag"] = newETag(s.now(), "")
	doc["direction"] = "Outgoing"
	doc["organizationId"] = s.orgID
	doc["organizationName"] = s.orgName
	doc["mpnId"] = s.mpnID
	// Partner-created referrals come back accepted (see facts.go).
	doc["status"], doc["substatus"] = "Active", "Accepted"
	if doc["acceptedDateTime"] == nil {
		doc["acceptedDateTime"] = now
	}
	if _, present := doc["externalReferenceId"]; !present {
		doc["externalReferenceId"] = nil
	}
	base := "https://" + r.Host + referralsBasePath
	doc["links"] = map[string]any{
		"relatedReferrals": map[string]any{"uri": base + "?$filter=engagementId eq '" + engagementID + "'", "method": "GET"},
		"self":             map[string]any{"uri": base + "/" + id, "method": "GET"},
	}
	ref := Referral{doc: doc}
	s.storeLocked(ref)
	if key != "" {
		s.idempotency[key] = id
	}
	s.emitReferralEventLocked("referral-created", id)
	s.writeCreated(w, r, ref)
}

func (s *Service) writeCreated(w http.ResponseWriter, r *http.Request, ref Referral) {
	w.Header().Set("Location", "https://"+r.Host+referralsBasePath+"/"+ref.ID())
	w.Header().Set("ETag", ref.ETag())
	writeJSON(w, http.StatusCreated, ref.Clone())
}

// patchOp is one RFC 6902 operation.
type patchOp struct {
	op    string
	path  []string
	raw   string
	value any
}

func parsePatch(body any) ([]patchOp, error) {
	arr, ok := body.([]any)
	if !ok {
		return nil, badRequest("InvalidPatchDocument", "the request body must be a JSON Patch array (RFC 6902)")
	}
	if len(arr) == 0 {
		return nil, badRequest("InvalidPatchDocument", "the JSON Patch document has no operations")
	}
	ops := make([]patchOp, 0, len(arr))
	for i, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, badRequest("InvalidPatchDocument", "operation %d must be an object", i)
		}
		op, _ := m["op"].(string)
		path, okPath := m["path"].(string)
		switch op {
		case "replace", "add":
		case "remove", "move", "copy", "test":
			return nil, badRequest("UnsupportedPatchOperation", "operation %d: '%s' is not supported; only 'replace' and 'add' are", i, op)
		default:
			return nil, badRequest("InvalidPatchDocument", "operation %d: unknown op '%v'", i, m["op"])
		}
		if !okPath {
			return nil, badRequest("InvalidPatchDocument", "operation %d: 'path' is required", i)
		}
		toks, err := parsePointer(path)
		if err != nil || len(toks) == 0 {
			return nil, badRequest("InvalidPatchDocument", "operation %d: invalid path '%s'", i, path)
		}
		v, hasValue := m["value"]
		if !hasValue {
			return nil, badRequest("InvalidPatchDocument", "operation %d: 'value' is required for '%s'", i, op)
		}
		if readOnlyFields[toks[0]] {
			return nil, badRequest("ReadOnlyProperty", "operation %d: '%s' is read-only", i, path)
		}
		ops = append(ops, patchOp{op: op, path: toks, raw: path, value: v})
	}
	return ops, nil
}

func (s *Service) patchReferral(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var body any
	if err := readJSONBody(r, &body); err != nil {
		writeHTTPError(w, err)
		return
	}
	ops, err := parsePatch(body)
	if err != nil {
		writeHTTPError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.referrals[id]
	if !ok {
		s.referralNotFound(w, id)
		return
	}
	if im := r.Header.Get("If-Match"); im != "" && !etagMatches(im, old.ETag()) {
		s.preconditionFailed(w)
		return
	}
	if isTerminal(old.doc) {
		s.closedReferral(w, old)
		return
	}
	doc := deepCopy(old.doc).(map[string]any)
	for i, op := range ops {
		if _, err := setAt(doc, op.path, deepCopy(op.value), op.op == "add", false); err != nil {
			writeHTTPError(w, badRequest("InvalidPatchPath", "operation %d (%s %s): %v", i, op.op, op.raw, err))
			return
		}
	}
	if !s.finishUpdate(w, old.doc, doc) {
		return
	}
	w.Header().Set("ETag", doc["eTag"].(string))
	if wantsRepresentation(r) {
		writeJSON(w, http.StatusOK, Referral{doc: deepCopy(doc).(map[string]any)})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// putReferral is the obsolete full-replacement update (If-Match required).
func (s *Service) putReferral(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var body any
	if err := readJSONBody(r, &body); err != nil {
		writeHTTPError(w, err)
		return
	}
	doc, ok := body.(map[string]any)
	if !ok {
		writeHTTPError(w, badRequest("InvalidRequestBody", "the request body must be a Referral JSON object"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.referrals[id]
	if !ok {
		s.referralNotFound(w, id)
		return
	}
	im := r.Header.Get("If-Match")
	if im == "" {
		s.WriteError(w, http.StatusPreconditionRequired, "PreconditionRequired",
			"The If-Match header with the referral's eTag is required for PUT.")
		return
	}
	if !etagMatches(im, old.ETag()) {
		s.preconditionFailed(w)
		return
	}
	if isTerminal(old.doc) {
		s.closedReferral(w, old)
		return
	}
	for _, k := range []string{"id", "engagementId", "createdDateTime", "direction"} {
		if v, present := doc[k]; present && v != nil && !jsonEqual(v, old.doc[k]) {
			writeHTTPError(w, badRequest("ReadOnlyProperty", "'%s' is read-only and cannot be changed", k))
			return
		}
	}
	for _, k := range []string{"id", "engagementId", "createdDateTime", "direction", "organizationId", "organizationName", "mpnId", "links", "eTag", "updatedDateTime"} {
		if v, present := old.doc[k]; present {
			doc[k] = deepCopy(v)
		} else {
			delete(doc, k)
		}
	}
	if !s.finishUpdate(w, old.doc, doc) {
		return
	}
	w.Header().Set("ETag", doc["eTag"].(string))
	writeJSON(w, http.StatusOK, Referral{doc: deepCopy(doc).(map[string]any)})
}

// finishUpdate validates the proposed document against the stored one and
// stores it with a new eTag; it writes the error and returns false on failure.
// The caller holds s.mu.
func (s *Service) finishUpdate(w http.ResponseWriter, old, doc map[string]any) bool {
	if errs := validateReferral(doc); len(errs) > 0 {
		writePCError(w, http.StatusBadRequest, "InvalidReferral", strings.Join(errs, "; "), errs)
		return false
	}
	if err := validateTransition(old, doc); err != nil {
		writeHTTPError(w, badRequest("InvalidStatusTransition", "%v", err))
		return false
	}
	if sharedWithMicrosoft(old) && !sharedWithMicrosoft(doc) {
		writeHTTPError(w, badRequest("InvalidConsentChange",
			"consent.consentToShareReferralWithMicrosoftSellers cannot be reverted once the referral is visible to Microsoft sellers"))
		return false
	}
	stampLifecycleDates(old, doc, formatReferralTime(s.now()))
	s.bump(doc)
	id, _ := doc["id"].(string)
	s.storeLocked(Referral{doc: doc})
	s.emitReferralEventLocked("referral-updated", id)
	return true
}

func (s *Service) preconditionFailed(w http.ResponseWriter) {
	s.WriteError(w, http.StatusPreconditionFailed, "PreconditionFailed",
		"The If-Match eTag does not match the referral's current eTag; GET the referral and retry with its eTag.")
}

func (s *Service) closedReferral(w http.ResponseWriter, old Referral) {
	s.WriteError(w, http.StatusBadRequest, "ReferralIsClosed", fmt.Sprintf(
		"The referral is %s/%s, a terminal state; it can no longer be changed.", old.Status(), old.Substatus()))
}

// etagMatches compares If-Match with the stored eTag: exact string incl. quotes, or "*".
func etagMatches(ifMatch, current string) bool {
	ifMatch = strings.TrimSpace(ifMatch)
	return ifMatch == "*" || ifMatch == current
}

func wantsRepresentation(r *http.Request) bool {
	for _, p := range r.Header.Values("Prefer") {
		for _, part := range strings.Split(p, ",") {
			if strings.EqualFold(strings.TrimSpace(part), "return=representation") {
				return true
			}
		}
	}
	return false
}

func jsonEqual(a, b any) bool {
	x, err1 := encodeJSON(a)
	y, err2 := encodeJSON(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
