package syncio

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	emudv "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

func rows(t *testing.T, d *Dynamics, q engine.RowQuery) map[string]engine.Row {
	t.Helper()
	out := map[string]engine.Row{}
	if err := d.ListRows(context.Background(), q, func(page []engine.Row) error {
		for _, r := range page {
			if _, dup := out[r.ID]; dup {
				t.Errorf("row %s passed twice", r.ID)
			}
			out[r.ID] = r
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadVariablesGivesCurrentElseDefault(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx := context.Background()
	if _, err := env.dv.SetEnvironmentVariableValue(ctx, mustDef(t, env, "msft_dealvaluefield"), "budgetamount"); err != nil {
		t.Fatal(err)
	}
	got, err := env.dyn.ReadVariables(ctx, []string{"msft_dealvaluefield", "msft_displaycheckmarkinname", "msft_dealcurrencycodefield", "msft_nosuch"})
	if err != nil {
		t.Fatal(err)
	}
	if got["msft_dealvaluefield"] != "budgetamount" || got["msft_displaycheckmarkinname"] != "yes" {
		t.Errorf("variables: %v", got)
	}
	if _, ok := got["msft_nosuch"]; ok {
		t.Error("a missing variable must be absent")
	}
	if _, ok := got["msft_dealcurrencycodefield"]; ok {
		t.Error("a variable with neither value nor default must be absent")
	}
}

func TestListRowsTypesLookupsAndFilters(t *testing.T) {
	env := newTestEnv(t, nil)
	cols := []string{"name", "estimatedvalue", "estimatedclosedate", "statecode", "msft_microsoftpartnercenterreferralsync",
		"msft_microsoftpartnercenterhelp", "customerid", "transactioncurrencyid", "parentcontactid", "cosell_syncsnapshot"}
	flagged := rows(t, env.dyn, engine.RowQuery{Table: "opportunity", Columns: cols,
		Where: []engine.Cond{{Column: "msft_microsoftpartnercenterreferralsync", Values: []any{true}},
			{Column: "msft_microsoftpartnercenterreferralidentifier", NotNull: true}}})
	if len(flagged) != 3 {
		t.Fatalf("flagged or paired: %d rows", len(flagged))
	}
	c := flagged[emudv.OpportunityContoso]
	v := c.Values
	if v["name"] != "Contoso Pharmaceuticals - Field Service modernization" || v["estimatedvalue"] != 120000.0 || v["estimatedclosedate"] != "2027-03-31" ||
		v["statecode"] != 0 || v["msft_microsoftpartnercenterreferralsync"] != true || v["msft_microsoftpartnercenterhelp"] != 299600002 ||
		v["customerid"] != (engine.Ref{Table: "account", ID: emudv.AccountContoso}) ||
		v["transactioncurrencyid"] != (engine.Ref{Table: "transactioncurrency", ID: emudv.CurrencyEUR}) || v["cosell_syncsnapshot"] != nil {
		t.Errorf("values: %#v", v)
	}
	if c.ETag == "" || c.ModifiedOn.IsZero() || c.Table != "opportunity" {
		t.Errorf("row: %+v", c)
	}
	// Case-insensitive string match, as account matching needs; ids; since.
	acc := rows(t, env.dyn, engine.RowQuery{Table: "account", Columns: []string{"name", "address1_postalcode"},
		Where: []engine.Cond{{Column: "name", Values: []any{"FABRIKAM UK LTD", "nobody"}}}})
	if _, ok := acc[emudv.AccountFabrikamUK]; !ok || len(acc) != 1 {
		t.Errorf("account by name: %v", acc)
	}
	byID := rows(t, env.dyn, engine.RowQuery{Table: "contact", Columns: []string{"emailaddress1", "parentcustomerid"}, IDs: []string{emudv.ContactTailspin}})
	if byID[emudv.ContactTailspin].Values["parentcustomerid"] != (engine.Ref{Table: "account", ID: emudv.AccountTailspin}) {
		t.Errorf("contact: %+v", byID)
	}
	if n := len(rows(t, env.dyn, engine.RowQuery{Table: "opportunity", Columns: []string{"name"}, ModifiedSince: time.Now().Add(time.Hour)})); n != 0 {
		t.Errorf("modified in the future: %d rows", n)
	}
	err := env.dyn.ListRows(context.Background(), engine.RowQuery{Table: "opportunity", Columns: []string{"new_dealvalue"}}, func([]engine.Row) error { return nil })
	if err == nil {
		t.Error("an unknown column must be an error naming it")
	}
}

func TestApplyUpsertsInChangeSetsAndReportsConflicts(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx := context.Background()
	const acc, con, opp, sol = "a0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000001",
		"0a000000-0000-4000-8000-000000000001", "50000000-0000-4000-8000-000000000001"
	create := []engine.Write{
		{Group: opp, Kind: engine.WriteUpsert, Table: "account", ID: acc, Values: map[string]any{"name": "Adatum Corporation", "address1_postalcode": "60311", "address1_country": "DE"}},
		{Group: opp, Kind: engine.WriteUpsert, Table: "contact", ID: con, Values: map[string]any{"lastname": "Weber", "emailaddress1": "jonas.weber@adatum.example",
			"parentcustomerid": engine.Ref{Table: "account", ID: acc}}},
		{Group: opp, Kind: engine.WriteUpsert, Table: "opportunity", ID: opp, Values: map[string]any{"name": "Adatum Corporation - Security modernization",
			"estimatedvalue": 90000.0, "customerid": engine.Ref{Table: "account", ID: acc}, "parentcontactid": engine.Ref{Table: "contact", ID: con},
			"transactioncurrencyid": engine.Ref{Table: "transactioncurrency", ID: emudv.CurrencyEUR}, "msft_microsoftpartnercenterreferralsync": true,
			"cosell_syncsnapshot": `{"v":1}`}},
		{Group: opp, Kind: engine.WriteUpsert, Table: "msft_partnercentersolution", ID: sol, Values: map[string]any{"msft_name": "Northwind Secure Cloud",
			"msft_opportunityid": engine.Ref{Table: "opportunity", ID: opp}, "msft_solutiondetailid": engine.Ref{Table: "msft_solutiondetail", ID: emudv.SolutionDetailSecurity}}},
		// A second group that fails (unknown currency row) must not stop the first.
		{Group: "other", Kind: engine.WriteUpsert, Table: "opportunity", ID: "0a000000-0000-4000-8000-000000000002", Values: map[string]any{"name": "x",
			"transactioncurrencyid": engine.Ref{Table: "transactioncurrency", ID: "00000000-0000-4000-8000-00000000dead"}}},
		{Group: "other", Kind: engine.WriteUpsert, Table: "account", ID: "a0000000-0000-4000-8000-000000000002", Values: map[string]any{"name": "never"}},
	}
	env.emu.Metrics().Reset()
	res := env.dyn.Apply(ctx, create)
	for i := range 4 {
		if res[i].Err != nil || res[i].ETag == "" {
			t.Errorf("write %d: %+v", i, res[i])
		}
	}
	if res[4].Err == nil || !errors.Is(res[5].Err, engine.ErrSkipped) {
		t.Errorf("failing group: %v / %v", res[4].Err, res[5].Err)
	}
	if _, ok := env.emu.Dataverse().Record("accounts", "a0000000-0000-4000-8000-000000000002"); ok {
		t.Error("the failed group's account was written")
	}
	if n := env.emu.Metrics().Total("dataverse", ""); n > 7 { // one $batch + at most one metadata read per table
		t.Errorf("%d Dataverse calls", n)
	}
	row, _ := env.emu.Dataverse().Record("opportunities", opp)
	if row["_customerid_value"] != acc || row["cosell_syncsnapshot"] != `{"v":1}` {
		t.Errorf("opportunity: %v", row)
	}
	// Re-running the same upserts changes nothing else and creates nothing new (idempotent).
	before := len(env.emu.Dataverse().Records("accounts"))
	if res := env.dyn.Apply(ctx, create[:4]); res[0].Err != nil || res[3].Err != nil {
		t.Fatalf("re-run: %+v", res)
	}
	if after := len(env.emu.Dataverse().Records("accounts")); after != before {
		t.Errorf("accounts %d → %d on re-run", before, after)
	}
	// Update with a stale ETag → ErrConflict; with the fresh one → ok; then win.
	stale := res[2].ETag
	fresh := env.dyn.Apply(ctx, []engine.Write{{Group: opp, Kind: engine.WriteUpdate, Table: "opportunity", ID: opp, ETag: stale, Values: map[string]any{"description": "a"}}})
	if !errors.Is(fresh[0].Err, engine.ErrConflict) {
		t.Errorf("stale update: %v, want ErrConflict", fresh[0].Err)
	}
	cur, _ := env.emu.Dataverse().Record("opportunities", opp)
	won := env.dyn.Apply(ctx, []engine.Write{
		{Group: opp, Kind: engine.WriteUpdate, Table: "opportunity", ID: opp, ETag: cur["@odata.etag"].(string), Values: map[string]any{"description": "won"}},
		{Group: opp, Kind: engine.WriteWin, Table: "opportunity", ID: opp, Status: 3, Subject: "Won in Partner Center"},
	})
	if won[0].Err != nil || won[1].Err != nil {
		t.Fatalf("update + win: %+v", won)
	}
	if row, _ := env.emu.Dataverse().Record("opportunities", opp); fmt.Sprint(row["statecode"]) != "1" {
		t.Errorf("after win: statecode %v", row["statecode"])
	}
}

func mustDef(t *testing.T, env *testEnv, name string) dataverse.EnvironmentVariableDefinition {
	t.Helper()
	def, err := env.dv.FindEnvironmentVariableDefinition(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return *def
}

// A lookup of many ids is one $batch of chunked GETs, not one GET per chunk.
func TestListRowsChunksTravelInOneBatch(t *testing.T) {
	env := newTestEnv(t, nil)
	ids := []string{emudv.AccountTailspin, emudv.AccountContoso}
	for i := range 2*rowKeyChunk + 48 {
		ids = append(ids, fmt.Sprintf("a0000000-0000-4000-8000-%012d", i))
	}
	env.emu.Metrics().Reset()
	got := rows(t, env.dyn, engine.RowQuery{Table: "account", Columns: []string{"name"}, IDs: ids})
	if len(got) != 2 {
		t.Errorf("%d rows, want the 2 that exist", len(got))
	}
	snap := env.emu.Metrics().Snapshot()
	batches, gets := 0, 0
	for _, c := range snap {
		switch c.Route {
		case "POST /api/data/v9.2/$batch":
			batches += c.Count
		case "GET /api/data/v9.2/accounts":
			gets += c.Count
		}
	}
	if batches != 1 || gets != 0 {
		t.Errorf("%d ids (3 chunks of %d): %d $batch and %d GET requests, want 1 and 0", len(ids), rowKeyChunk, batches, gets)
	}
}
