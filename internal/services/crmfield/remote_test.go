package crmfield

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"

	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// fakeAPI records the calls the operations make, in order.
type fakeAPI struct {
	calls  []string
	attr   *dataverse.AttributeMetadata
	tables map[string]string // logical name → primary key
	rel    *dataverse.OneToManyRelationship
	put    *dataverse.AttributeMetadata
	// absent: the column does not exist until a create writes it.
	absent bool
}

var notFound = &dataverse.Error{StatusCode: http.StatusNotFound, Message: "not found"}

func (f *fakeAPI) log(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeAPI) GetAttribute(_ context.Context, table, logical, cast string) (*dataverse.AttributeMetadata, error) {
	f.log("GET attribute %s/%s", table, logical)
	if f.attr == nil || f.absent {
		return nil, notFound
	}
	a := *f.attr
	return &a, nil
}
func (f *fakeAPI) CreateAttribute(_ context.Context, table string, def dataverse.AttributeMetadata, sol string) (string, error) {
	f.log("POST attribute %s/%s solution=%s", table, def.SchemaName, sol)
	f.absent = false
	return "id", nil
}
func (f *fakeAPI) UpdateAttribute(_ context.Context, table string, def dataverse.AttributeMetadata, merge bool) error {
	f.log("PUT attribute %s merge=%v", table, merge)
	f.put = &def
	return nil
}
func (f *fakeAPI) DeleteAttribute(_ context.Context, table, logical string) error {
	f.log("DELETE attribute %s/%s", table, logical)
	return nil
}
func (f *fakeAPI) GetTable(_ context.Context, name string) (*dataverse.EntityMetadata, error) {
	f.log("GET table %s", name)
	pk, ok := f.tables[name]
	if !ok {
		return nil, notFound
	}
	return &dataverse.EntityMetadata{LogicalName: name, PrimaryIDAttribute: pk}, nil
}
func (f *fakeAPI) CreateOneToMany(_ context.Context, rel dataverse.OneToManyRelationship, sol string) (string, error) {
	f.log("POST relationship %s %s->%s(%s)", rel.SchemaName, rel.ReferencedEntity, rel.ReferencingEntity, rel.ReferencedAttribute)
	f.absent = false
	return "rel", nil
}
func (f *fakeAPI) LookupRelationship(_ context.Context, table, attribute string) (*dataverse.OneToManyRelationship, error) {
	f.log("GET relationship of %s/%s", table, attribute)
	if f.rel == nil {
		return nil, notFound
	}
	return f.rel, nil
}
func (f *fakeAPI) DeleteRelationship(_ context.Context, id string) error {
	f.log("DELETE relationship %s", id)
	return nil
}
func (f *fakeAPI) InsertOptionValue(_ context.Context, ref dataverse.OptionSetRef, v *int, l dataverse.Label, sol string) (int, error) {
	f.log("InsertOptionValue %d %s", *v, labelText(&l))
	return *v, nil
}
func (f *fakeAPI) UpdateOptionValue(_ context.Context, ref dataverse.OptionSetRef, v int, l dataverse.Label, merge bool, sol string) error {
	f.log("UpdateOptionValue %d %s merge=%v", v, labelText(&l), merge)
	return nil
}
func (f *fakeAPI) DeleteOptionValue(_ context.Context, ref dataverse.OptionSetRef, v int, sol string) error {
	f.log("DeleteOptionValue %d", v)
	return nil
}
func (f *fakeAPI) PublishXml(_ context.Context, tables ...string) error {
	f.log("PublishXml %s", strings.Join(tables, ","))
	return nil
}

// Publish stands for the group-committed publish: a caller alone in its
// round is published by exactly one PublishXml of its own tables.
func (f *fakeAPI) Publish(ctx context.Context, tables ...string) error {
	return f.PublishXml(ctx, tables...)
}

func assertCalls(t *testing.T, f *fakeAPI, want ...string) {
	t.Helper()
	if strings.Join(f.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n  %s\nwant:\n  %s", strings.Join(f.calls, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestUpdateChoiceOrder(t *testing.T) {
	ctx := context.Background()
	state := model(t, typeChoice, option{1, "One"}, option{2, "Two"}, option{3, "Three"})
	plan := model(t, typeChoice, option{1, "One"}, option{2, "Deux"}, option{4, "Four"})
	plan.DefaultOption = types.Int64Value(4)
	f := &fakeAPI{attr: &dataverse.AttributeMetadata{ODataType: "#" + dataverse.KindPicklist.ODataType, SchemaName: "pfx_X",
		RequiredLevel: &dataverse.RequiredLevel{Value: "None", CanBeChanged: true}}}
	if d := update(ctx, f, state, plan); d.HasError() {
		t.Fatal(d)
	}
	// New options before the PUT that makes one the default; removals last.
	assertCalls(t, f, "InsertOptionValue 4 Four", "UpdateOptionValue 2 Deux merge=true", "GET attribute opportunity/pfx_x",
		"PUT attribute opportunity merge=true", "DeleteOptionValue 3", "PublishXml opportunity")
	if *f.put.DefaultFormValue != 4 || f.put.ODataType != dataverse.KindPicklist.ODataType || !f.put.RequiredLevel.CanBeChanged {
		t.Errorf("PUT body: %+v", f.put)
	}
}

func TestUpdateLabelsOnlySkipsPut(t *testing.T) {
	ctx := context.Background()
	state, plan := model(t, typeBoolean), model(t, typeBoolean)
	state.TrueLabel, state.FalseLabel, state.DefaultValue = types.StringValue("Yes"), types.StringValue("No"), types.BoolValue(false)
	plan.TrueLabel, plan.FalseLabel, plan.DefaultValue = types.StringValue("Shared"), types.StringValue("No"), types.BoolValue(false)
	f := &fakeAPI{}
	if d := update(ctx, f, state, plan); d.HasError() {
		t.Fatal(d)
	}
	assertCalls(t, f, "UpdateOptionValue 1 Shared merge=true", "PublishXml opportunity")
}

func TestCreateLookupChecksTargetFirst(t *testing.T) {
	ctx := context.Background()
	m := model(t, typeLookup)
	m.TargetTable, m.RelationshipSchemaName = types.StringValue("pfx_missing"), framework.NameValue("pfx_rel")
	f := &fakeAPI{tables: map[string]string{"account": "accountid", "opportunity": "opportunityid"}}
	written, d := create(ctx, f, m)
	if written || !d.HasError() || !strings.Contains(d[0].Detail(), `"pfx_missing" does not exist`) {
		t.Fatalf("written=%v diags=%v", written, d)
	}
	assertCalls(t, f, "GET table opportunity", "GET attribute opportunity/pfx_x", "GET table pfx_missing")

	m.TargetTable = types.StringValue("account")
	f.calls = nil
	if written, d = create(ctx, f, m); !written || d.HasError() {
		t.Fatalf("written=%v diags=%v", written, d)
	}
	assertCalls(t, f, "GET table opportunity", "GET attribute opportunity/pfx_x", "GET table account",
		"POST relationship pfx_rel account->opportunity(accountid)", "PublishXml account,opportunity")
}

func TestRemoveLookupDeletesRelationship(t *testing.T) {
	m := model(t, typeLookup)
	m.TargetTable = types.StringValue("account")
	f := &fakeAPI{rel: &dataverse.OneToManyRelationship{MetadataID: "rel-id", SchemaName: "pfx_rel"}}
	if d := remove(context.Background(), f, m); d.HasError() {
		t.Fatal(d)
	}
	assertCalls(t, f, "GET relationship of opportunity/pfx_x", "DELETE relationship rel-id", "PublishXml account,opportunity")
}

func TestReadFallsBackToUncastGet(t *testing.T) {
	f := &fakeAPI{}
	if _, found, d := readRemote(context.Background(), f, "opportunity", "pfx_x", model(t, typeString)); found || d.HasError() {
		t.Fatalf("found=%v diags=%v", found, d)
	}
	assertCalls(t, f, "GET attribute opportunity/pfx_x", "GET attribute opportunity/pfx_x")
}
