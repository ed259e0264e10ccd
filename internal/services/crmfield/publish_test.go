package crmfield

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"

	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// lockedAPI checks, at the write and at the publish, whether the tables'
// lock is held, and can make the shared publish fail.
type lockedAPI struct {
	*fakeAPI
	tables                     []string
	publishErr                 error
	heldAtWrite, heldAtPublish []bool
}

// lockWithin reports whether another goroutine can lock the tables within
// d. One that cannot takes the lock (and lets go) once it is released.
func (l *lockedAPI) lockWithin(d time.Duration) bool {
	got := make(chan struct{})
	go func() { lockTables(l.tables...)(); close(got) }()
	select {
	case <-got:
		return true
	case <-time.After(d):
		return false
	}
}

// held is false only when the lock could be taken: a held lock always
// reports true, however slow the machine.
func (l *lockedAPI) held() bool { return !l.lockWithin(50 * time.Millisecond) }

// free is true only when the lock could be taken, waiting long enough for a
// busy machine.
func (l *lockedAPI) free() bool { return l.lockWithin(10 * time.Second) }

func (l *lockedAPI) CreateOneToMany(ctx context.Context, rel dataverse.OneToManyRelationship, sol string) (string, error) {
	l.heldAtWrite = append(l.heldAtWrite, l.held())
	return l.fakeAPI.CreateOneToMany(ctx, rel, sol)
}

func (l *lockedAPI) DeleteRelationship(ctx context.Context, id string) error {
	l.heldAtWrite = append(l.heldAtWrite, l.held())
	return l.fakeAPI.DeleteRelationship(ctx, id)
}

func (l *lockedAPI) UpdateAttribute(ctx context.Context, table string, def dataverse.AttributeMetadata, merge bool) error {
	l.heldAtWrite = append(l.heldAtWrite, l.held())
	return l.fakeAPI.UpdateAttribute(ctx, table, def, merge)
}

func (l *lockedAPI) Publish(ctx context.Context, tables ...string) error {
	l.heldAtPublish = append(l.heldAtPublish, !l.free())
	if l.publishErr != nil {
		l.log("Publish %s: %v", strings.Join(tables, ","), l.publishErr)
		return l.publishErr
	}
	return l.fakeAPI.Publish(ctx, tables...)
}

func lookupModel(t *testing.T) fieldModel {
	m := model(t, typeLookup)
	m.TargetTable, m.RelationshipSchemaName = types.StringValue("account"), framework.NameValue("pfx_rel")
	return m
}

func newLockedAPI(t *testing.T) *lockedAPI {
	return &lockedAPI{tables: []string{"account", "opportunity"}, fakeAPI: &fakeAPI{
		tables: map[string]string{"account": "accountid", "opportunity": "opportunityid"},
		rel:    &dataverse.OneToManyRelationship{MetadataID: "rel-id", SchemaName: "pfx_rel"},
		attr:   &dataverse.AttributeMetadata{ODataType: "#" + dataverse.KindLookup.ODataType, SchemaName: "pfx_X"},
	}}
}

// The metadata write holds both tables' lock; the publish is made after it
// is released, so sibling columns can share a publish round.
func TestWriteUnderLockPublishAfter(t *testing.T) {
	ctx := context.Background()
	state := lookupModel(t)
	plan := lookupModel(t)
	plan.DisplayName = types.StringValue("Renamed")
	for name, op := range map[string]func(*lockedAPI) diag.Diagnostics{
		"create": func(a *lockedAPI) diag.Diagnostics { a.absent = true; _, d := create(ctx, a, state); return d },
		"update": func(a *lockedAPI) diag.Diagnostics { return update(ctx, a, state, plan) },
		"delete": func(a *lockedAPI) diag.Diagnostics { return remove(ctx, a, state) },
	} {
		a := newLockedAPI(t)
		if d := op(a); d.HasError() {
			t.Fatalf("%s: %v", name, d)
		}
		if len(a.heldAtWrite) != 1 || !a.heldAtWrite[0] {
			t.Errorf("%s: lock held at the write: %v, want [true]", name, a.heldAtWrite)
		}
		if len(a.heldAtPublish) != 1 || a.heldAtPublish[0] {
			t.Errorf("%s: lock held at the publish: %v, want [false]", name, a.heldAtPublish)
		}
		if last := a.calls[len(a.calls)-1]; last != "PublishXml account,opportunity" {
			t.Errorf("%s: last call %q, want the publish of both tables", name, last)
		}
		if !a.free() {
			t.Errorf("%s: the lock is still held after the operation", name)
		}
	}
}

// A failed publish after a successful create keeps the column (written) and
// says it is marked for re-creation; after an update it fails the update.
func TestPublishFailureIsReported(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("publish [account opportunity]: 0x80040216 busy")
	a := newLockedAPI(t)
	a.publishErr, a.absent = boom, true
	written, d := create(ctx, a, lookupModel(t))
	if !written || !d.HasError() || !strings.Contains(d[0].Summary(), "Error publishing CRM field opportunity/pfx_x") ||
		!strings.Contains(d[0].Detail(), "the next apply deletes it and creates it again") || !strings.Contains(d[0].Detail(), "0x80040216") {
		t.Errorf("create: written=%v diags=%v", written, d)
	}
	plan := lookupModel(t)
	plan.DisplayName = types.StringValue("Renamed")
	if d := update(ctx, a, lookupModel(t), plan); !d.HasError() || !strings.Contains(d[0].Detail(), "publishing: "+boom.Error()) {
		t.Errorf("update: %v", d)
	}
	if d := remove(ctx, a, lookupModel(t)); !d.HasError() || !strings.Contains(d[0].Summary(), "Error publishing after deleting") {
		t.Errorf("delete: %v", d)
	}
}

// After a delete a missing table is no error; since a shared round can miss
// another caller's table, the delete then publishes its own tables alone.
func TestRemovePublishesAloneWhenTheSharedRoundMissesATable(t *testing.T) {
	a := newLockedAPI(t)
	a.publishErr = notFound
	if d := remove(context.Background(), a, lookupModel(t)); d.HasError() {
		t.Fatal(d)
	}
	assertCalls(t, a.fakeAPI, "GET relationship of opportunity/pfx_x", "DELETE relationship rel-id",
		"Publish account,opportunity: "+notFound.Error(), "PublishXml account,opportunity")
}
