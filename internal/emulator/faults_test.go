package emulator

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
)

// A scenario file can ask for "apply then drop the response" on one route
// and method: the connection PUT is applied although the caller never hears
// of it, so a second PUT of the same name updates (200) instead of creating.
func TestScenarioDropAfterApply(t *testing.T) {
	sc, err := ParseScenario([]byte(`{"faults":{"powerplatform":{"drop_after_apply_rate":1,"methods":["PUT"],
	  "route_prefixes":["/connectivity/connectors/"],"count":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Start(Options{Scenario: &sc, Dir: t.TempDir(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	ep := e.Endpoints()
	tok := appToken(t, e, core.AudiencePowerPlatform)
	u := ep.PowerPlatformURL + "/connectivity/connectors/" + powerplatform.APIDataverse + "/connections/dropped01?api-version=1&%24filter=environment%20eq%20%27" + ep.EnvironmentID + "%27"
	body := `{"properties":{"displayName":"d","environment":{"name":"` + ep.EnvironmentID + `"}}}`

	req, _ := http.NewRequest(http.MethodPut, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := e.HTTPClient().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("first PUT answered %d, want the connection dropped", resp.StatusCode)
	}
	if !e.PowerPlatform().ConnectionExists(ep.EnvironmentID, "dropped01") {
		t.Fatal("the dropped PUT was not applied")
	}
	if resp, raw := call(t, e, http.MethodPut, u, tok, body); resp.StatusCode != http.StatusOK {
		t.Fatalf("second PUT: %d %s (want 200: the connection exists)", resp.StatusCode, raw)
	}
	if n := len(e.PowerPlatform().Connections(ep.EnvironmentID)); n == 0 {
		t.Fatal("no connection")
	}
}

// The Dataverse create with a client-chosen key is applied, its answer
// lost; the row is there.
func TestDataverseCreateDroppedAfterApply(t *testing.T) {
	e := start(t)
	ep := e.Endpoints()
	tok := appToken(t, e, ep.DataverseURL)
	e.Faults().Set(ServiceDataverse, &core.Faults{DropAfterApplyRate: 1, Methods: []string{"POST"}, Count: 1})
	const id = "6f1c2c3e-1111-4222-8333-944455556666"
	req, _ := http.NewRequest(http.MethodPost, ep.DataverseURL+"/api/data/v9.2/accounts", strings.NewReader(`{"accountid":"`+id+`","name":"Dropped"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("OData-Version", "4.0")
	if resp, err := e.HTTPClient().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("POST answered %d, want the connection dropped", resp.StatusCode)
	}
	if resp, raw := call(t, e, http.MethodGet, ep.DataverseURL+"/api/data/v9.2/accounts("+id+")", tok, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("row not applied: %d %s", resp.StatusCode, raw)
	}
}
