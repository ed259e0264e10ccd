package conns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

// Dataverse answers two configuration mistakes with errors that say nothing
// of the provider's settings: a token refused by an organisation of another
// tenant (401), and an app without an application user in the environment
// (403). dataverseDoer recognises them and names the settings to fix; the
// *dataverse.Error stays in the chain, so status checks still work.

// codeNotMember is Dataverse's error code for a caller that is not a user of
// the organisation (see internal/emulator/dataverse/facts.go).
const codeNotMember = "0x80072560"

type dataverseDoer struct {
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
	c *Client
}

func (d dataverseDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.next.Do(req)
	if err != nil || (resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden) {
		return resp, err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var w struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.Unmarshal(body, &w)
	dvErr := &dataverse.Error{StatusCode: resp.StatusCode, Code: w.Error.Code, Message: w.Error.Message}
	if dvErr.Message == "" {
		dvErr.Body = strings.TrimSpace(string(body))
	}
	if hint := d.c.dataverseHint(resp.StatusCode, w.Error.Code, w.Error.Message+" "+strings.Join(resp.Header.Values("WWW-Authenticate"), " ")); hint != "" {
		return nil, &settingsError{err: dvErr, hint: hint}
	}
	return resp, nil
}

// dataverseHint returns what to change for a 401/403, or "".
func (c *Client) dataverseHint(status int, code, text string) string {
	lower := strings.ToLower(text)
	switch {
	case status == http.StatusUnauthorized && !strings.Contains(lower, "audience"):
		// The token was issued for the organisation URL (the audience is
		// right) by the configured tenant, and the organisation refuses it:
		// it trusts another tenant.
		return fmt.Sprintf("The Dataverse organisation at %s does not accept tokens of tenant %s: it belongs to another tenant, or the tenant id is wrong. "+
			"%s and %s must name the same tenant: set %s to the organisation URL of an environment in that tenant, or %s to the organisation's tenant",
			c.cfg.DataverseURL, c.cfg.Auth.TenantID, c.hint("dataverse_url"), c.hint("tenant_id"), c.hint("dataverse_url"), c.hint("tenant_id"))
	case status == http.StatusForbidden && (strings.EqualFold(code, codeNotMember) || strings.Contains(lower, "not a member of the organization")):
		return fmt.Sprintf("App registration %s (%s) has no application user in the Dataverse environment at %s: add it in the Power Platform admin center "+
			"(Environments → your environment → Settings → Users + permissions → Application users → New app user) with a security role that may customise the system, "+
			"e.g. System Customizer; or set %s to an environment where it has one",
			c.cfg.Auth.ClientID, c.hint("client_id"), c.cfg.DataverseURL, c.hint("dataverse_url"))
	}
	return ""
}

// settingsError is an API error caused by the provider's settings, with
// what to change.
type settingsError struct {
	err  error
	hint string
}

func (e *settingsError) Error() string { return e.err.Error() + ". " + e.hint }
func (e *settingsError) Unwrap() error { return e.err }
