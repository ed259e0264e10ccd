package dataverse

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// fullScan is the query without indexes: every row of the table, in primary
// key order, tested with the whole filter.
func fullScan(t *testing.T, h *harness, table, filter string) []string {
	t.Helper()
	h.svc.mu.RLock()
	defer h.svc.mu.RUnlock()
	tb := h.svc.schema.tables[table]
	f, e := parseFilter(filter, h.svc.recordBinder(tb))
	if e != nil {
		t.Fatalf("parseFilter(%q): %v", filter, e.Message)
	}
	var ids []string
	for id := range h.svc.data[table] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []string
	for _, id := range ids {
		rec := h.svc.data[table][id]
		if f.eval(func(p *fProp) any { return h.svc.recordValue(rec, p) }) {
			out = append(out, id)
		}
	}
	return out
}

func queryIDs(t *testing.T, h *harness, set, pk, filter string) []string {
	t.Helper()
	r := h.must(h.do("GET", set+"?$select="+pk+"&$filter="+url.QueryEscape(filter), nil), 200)
	out := []string{}
	for _, row := range r.values() {
		out = append(out, row[pk].(string))
	}
	return out
}

// TestIndexedQueriesAnswerAsAFullScan compares queries that the primary key
// and column indexes narrow with a full scan, over rows with mixed-case,
// missing and non-ASCII values (the Kelvin sign folds to 'k'), with writes
// between the queries.
func TestIndexedQueriesAnswerAsAFullScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	h := newDefault(t)
	cities := []string{"Seattle", "SEATTLE", "munich", "\u212Aiel", "Kiel", "", "Zürich"}
	var ids []string
	create := func() {
		body := map[string]any{"name": fmt.Sprintf("Idx %02d", rng.IntN(40))}
		if c := cities[rng.IntN(len(cities)+1)%len(cities)]; c != "" {
			body["address1_city"] = c
		}
		id, err := h.svc.CreateRecord("accounts", body)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for range 80 {
		create()
	}
	chain := func(col string, vals ...string) string {
		var atoms []string
		for _, v := range vals {
			atoms = append(atoms, col+" eq "+v)
		}
		return "(" + strings.Join(atoms, " or ") + ")"
	}
	someIDs := func(n int) []string {
		var out []string
		for range n {
			id := ids[rng.IntN(len(ids))]
			switch rng.IntN(3) {
			case 0:
				id = strings.ToUpper(id)
			case 1:
				id = "0000dead-0000-4000-8000-00000000000" + fmt.Sprint(rng.IntN(10)) // absent
			}
			out = append(out, id)
		}
		return out
	}
	someNames := func(n int) []string {
		var out []string
		for range n {
			v := fmt.Sprintf("'Idx %02d'", rng.IntN(50))
			if rng.IntN(2) == 0 {
				v = strings.ToLower(v)
			}
			out = append(out, v)
		}
		return out
	}
	for round := range 40 {
		filters := []string{
			chain("accountid", someIDs(6)...),
			"accountid eq " + someIDs(1)[0],
			chain("name", someNames(6)...),
			"name eq " + someNames(1)[0],
			chain("accountid", someIDs(4)...) + " or " + chain("name", someNames(3)...),
			chain("name", someNames(5)...) + " and address1_city ne null",
			"address1_city eq 'kiel'",
			"address1_city eq 'KIEL' or address1_city eq 'seattle'",
			"address1_city eq 'zürich'",
			"not (" + chain("name", someNames(3)...) + ")",
			chain("accountid", someIDs(3)...) + " or address1_city eq null",
			"_primarycontactid_value eq null and " + chain("accountid", someIDs(5)...),
		}
		for _, f := range filters {
			got := queryIDs(t, h, "accounts", "accountid", f)
			if want := fullScan(t, h, "account", f); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("round %d, $filter=%s:\n got %v\nwant %v", round, f, got, want)
			}
		}
		switch round % 3 {
		case 0:
			create()
		case 1:
			id := ids[rng.IntN(len(ids))]
			if err := h.svc.PatchRecord("accounts", id, map[string]any{"name": fmt.Sprintf("Idx %02d", rng.IntN(40)), "address1_city": cities[rng.IntN(len(cities))]}); err != nil {
				t.Fatal(err)
			}
		default:
			i := rng.IntN(len(ids))
			if err := h.svc.DeleteRecord("accounts", ids[i]); err != nil {
				t.Fatal(err)
			}
			ids = slices.Delete(ids, i, i+1)
		}
	}
}

// TestIndexesFollowRolledBackChangeSets: a change set that creates a row,
// makes a cascade read the table (building its key order with the new row)
// and then fails is rolled back; later queries see the table as before.
func TestIndexesFollowRolledBackChangeSets(t *testing.T) {
	h := newDefault(t)
	acc, err := h.svc.CreateRecord("accounts", map[string]any{"name": "Doomed parent"})
	if err != nil {
		t.Fatal(err)
	}
	before := queryIDs(t, h, "contacts", "contactid", "lastname ne 'Ghost'")
	if got := queryIDs(t, h, "contacts", "contactid", "lastname eq 'Ghost'"); len(got) != 0 {
		t.Fatalf("ghost before: %v", got)
	}
	bad := buildBatch([][]batchPart{{
		{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"Ghost"}`, contentID: "1"},
		{method: "DELETE", url: "/api/data/v9.2/accounts(" + acc + ")", contentID: "2"},
		{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"` + strings.Repeat("x", 200) + `"}`, contentID: "3"},
	}}, []bool{true})
	if r := h.batch(bad); r.status != 400 {
		t.Fatalf("batch status %d, want 400: %s", r.status, r.raw)
	}
	if got := queryIDs(t, h, "contacts", "contactid", "lastname eq 'Ghost'"); len(got) != 0 {
		t.Fatalf("rolled-back contact still found: %v", got)
	}
	if got := queryIDs(t, h, "contacts", "contactid", "lastname ne 'Ghost'"); !slices.Equal(got, before) {
		t.Fatalf("contacts after rollback %v, want %v", got, before)
	}
	if got := queryIDs(t, h, "accounts", "accountid", "accountid eq "+acc); !slices.Equal(got, []string{acc}) {
		t.Fatalf("account deleted in the rolled-back change set is missing: %v", got)
	}
}
