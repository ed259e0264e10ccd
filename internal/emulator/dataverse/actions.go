package dataverse

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Unbound actions and functions (also accepted with the
// Microsoft.Dynamics.CRM. namespace prefix).
var actions = map[string]string{
	"PublishXml":        http.MethodPost,
	"PublishAllXml":     http.MethodPost,
	"WinOpportunity":    http.MethodPost,
	"LoseOpportunity":   http.MethodPost,
	"InsertOptionValue": http.MethodPost,
	"UpdateOptionValue": http.MethodPost,
	"DeleteOptionValue": http.MethodPost,
	"WhoAmI":            http.MethodGet,
}

func isAction(name string) bool {
	_, ok := actions[strings.TrimPrefix(name, crmNS)]
	return ok
}

func (s *Service) handleAction(w http.ResponseWriter, r *http.Request, segs []segment) *apiError {
	name := strings.TrimPrefix(segs[0].Name, crmNS)
	if len(segs) != 1 || (segs[0].HasKey && segs[0].Key != "") {
		return errSegment(segs[0].Name)
	}
	if r.Method != actions[name] {
		return errMethod(r.Method, segs)
	}
	if name == "WhoAmI" {
		return s.whoAmI(w, r)
	}
	body, e := readObject(r)
	if e != nil {
		return e
	}
	switch name {
	case "PublishXml":
		e = s.publishXML(body)
	case "PublishAllXml":
		s.publishes++
	case "WinOpportunity":
		e = s.closeOpportunity(body, 1, contentIDs(r))
	case "LoseOpportunity":
		e = s.closeOpportunity(body, 2, contentIDs(r))
	case "InsertOptionValue":
		var v int
		v, e = s.insertOptionValue(body)
		if e == nil {
			writeJSON(w, http.StatusOK, map[string]any{
				"@odata.context": s.serviceRoot(r) + "$metadata#Microsoft.Dynamics.CRM.InsertOptionValueResponse", "NewOptionValue": v})
			return nil
		}
	case "UpdateOptionValue":
		e = s.updateOptionValue(body)
	case "DeleteOptionValue":
		e = s.deleteOptionValue(body)
	}
	if e != nil {
		return e
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// publishXML checks that ParameterXml is an <importexportxml> document and
// counts the publish (the emulator has no unpublished layer: metadata
// changes are live at once).
func (s *Service) publishXML(body map[string]any) *apiError {
	px, _ := body["ParameterXml"].(string)
	if px == "" {
		return metaBad("PublishXml needs a ParameterXml string.")
	}
	var doc struct {
		XMLName  xml.Name
		Entities []string `xml:"entities>entity"`
	}
	if err := xml.Unmarshal([]byte(px), &doc); err != nil || doc.XMLName.Local != "importexportxml" {
		return metaBad("ParameterXml must be an <importexportxml> document, e.g. <importexportxml><entities><entity>opportunity</entity></entities></importexportxml>.")
	}
	s.publishes++
	s.publishedXML = append(s.publishedXML, px)
	return nil
}

// closeOpportunity implements WinOpportunity (state 1) and LoseOpportunity
// (state 2): {"Status": n, "OpportunityClose": {"subject": …,
// "opportunityid@odata.bind": "/opportunities(<id>)", "actualrevenue": …, "actualend": …}}.
func (s *Service) closeOpportunity(body map[string]any, state int64, ids map[string]string) *apiError {
	action := map[int64]string{1: "WinOpportunity", 2: "LoseOpportunity"}[state]
	oc := obj(body, "OpportunityClose")
	if oc == nil {
		return metaBad("%s needs an OpportunityClose entity.", action)
	}
	bind, _ := oc["opportunityid@odata.bind"].(string)
	if bind == "" {
		return metaBad("%s: OpportunityClose needs 'opportunityid@odata.bind' referring to the opportunity.", action)
	}
	set, id, e := s.parseEntityRef(bind, ids)
	if e != nil {
		return e
	}
	if set != "opportunities" {
		return metaBad("%s: 'opportunityid@odata.bind' must refer to /opportunities(<id>).", action)
	}
	t := s.schema.tables["opportunity"]
	rec, ok := s.getRec("opportunity", id)
	if !ok {
		return errRecordNotFound("opportunity", id)
	}
	status, ok := toInt(body["Status"])
	o, known := t.attr("statuscode").option(int(status))
	if !ok || !known || int64(o.State) != state {
		return metaBad("%s: Status %v is not a valid status reason for statecode %d of opportunity.", action, body["Status"], state)
	}
	if cur, _ := rec["statecode"].(int64); cur != 0 {
		return errf(http.StatusBadRequest, codeClosedRecord, "The opportunity %s is already closed (statecode %d).", id, cur)
	}
	changes := map[string]any{"statecode": state, "statuscode": status, "actualclosedate": s.now().Format("2006-01-02")}
	if end, _ := oc["actualend"].(string); end != "" {
		tm, err := parseDateTime(end)
		if err != nil {
			return errConvert(end, "Edm.DateTimeOffset")
		}
		changes["actualclosedate"] = tm.Format("2006-01-02")
	}
	if rev, ok := toFloat(oc["actualrevenue"]); ok {
		changes["actualvalue"] = rev
	} else if state == 1 {
		changes["actualvalue"] = rec["estimatedvalue"]
	}
	return s.update(t, id, changes, writeOpts{trusted: true})
}

// whoAmI answers the WhoAmI function for the caller of the token.
func (s *Service) whoAmI(w http.ResponseWriter, r *http.Request) *apiError {
	userID := "00000000-0000-0000-0000-000000000000"
	if c := core.ClaimsFrom(r.Context()); c != nil {
		if id, ok := parseGUIDKey(c.ObjectID); ok {
			userID = id
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"@odata.context": s.serviceRoot(r) + "$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
		"BusinessUnitId": businessUnitID,
		"UserId":         userID,
		"OrganizationId": organizationID,
	})
	return nil
}
