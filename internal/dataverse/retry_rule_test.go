package dataverse

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// through sends the client's requests through the real transport rule, with
// no waiting between attempts.
func (s *server) through(opts ...Options) *Client {
	tc := transport.New(transport.Options{Service: "dataverse", HTTPClient: s.Client(),
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	return New(tc, s.URL+"/", opts...)
}

func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// A column create whose answer is lost: the transport looks the column up
// by its logical name, finds it, and the create returns its id without a
// second POST.
func TestCreateAttributeLostAnswerFoundByLookup(t *testing.T) {
	srv := newServer(t,
		hangUp, // POST applied, answer lost
		reply(200, `{"@odata.type":"#Microsoft.Dynamics.CRM.StringAttributeMetadata","MetadataId":"aaaaaaaa-0000-0000-0000-000000000001","LogicalName":"new_x","SchemaName":"new_X"}`),
	)
	id, err := srv.through().CreateAttribute(context.Background(), "account", AttributeMetadata{SchemaName: "new_X", ODataType: KindString.ODataType}, "")
	if err != nil || id != "aaaaaaaa-0000-0000-0000-000000000001" {
		t.Fatalf("id=%q err=%v", id, err)
	}
	if r := srv.requests(); len(r) != 2 || r[1].Method != "GET" {
		t.Fatalf("requests: %+v", r)
	}
}

// A 503 before the column was made: the lookup finds nothing and the
// create is sent again.
func TestCreateAttribute503ThenLookupThenResend(t *testing.T) {
	srv := newServer(t,
		reply(503, `{"error":{"code":"x","message":"busy"}}`, "Retry-After", "1"),
		reply(404, `{"error":{"code":"0x80040217","message":"not found"}}`),
		reply(204, "", "OData-EntityId", "https://x/api/data/v9.2/EntityDefinitions(LogicalName='account')/Attributes(aaaaaaaa-0000-0000-0000-000000000002)"),
	)
	id, err := srv.through().CreateAttribute(context.Background(), "account", AttributeMetadata{SchemaName: "new_X", ODataType: KindString.ODataType}, "")
	if err != nil || id != "aaaaaaaa-0000-0000-0000-000000000002" {
		t.Fatalf("id=%q err=%v", id, err)
	}
	if r := srv.requests(); len(r) != 3 || r[0].Method != "POST" || r[1].Method != "GET" || r[2].Method != "POST" {
		t.Fatalf("requests: %+v", r)
	}
}

// A record create with a caller-supplied key whose answer is lost: the
// re-send meets a duplicate, which after a re-send is our own row.
func TestCreateWithSuppliedKeyDuplicateAfterResend(t *testing.T) {
	const id = "bbbbbbbb-0000-0000-0000-000000000001"
	srv := newServer(t,
		hangUp,
		reply(412, `{"error":{"code":"0x80040237","message":"A record with matching key values already exists."}}`),
		reply(200, `{"accountid":"`+id+`"}`),
	)
	got, err := srv.through(Options{MarkRetrySafe: transport.MarkRetrySafe}).Create(context.Background(), "accounts", Record{"accountid": id, "name": "x"})
	if err != nil || got != id {
		t.Fatalf("id=%q err=%v", got, err)
	}
}

// An option with a given value: a lost answer is resolved by reading the
// column's options.
func TestInsertOptionValueLostAnswerFoundByLookup(t *testing.T) {
	srv := newServer(t,
		hangUp,
		reply(200, `{"@odata.type":"#Microsoft.Dynamics.CRM.PicklistAttributeMetadata","LogicalName":"new_c"}`),
		reply(200, `{"@odata.type":"#Microsoft.Dynamics.CRM.PicklistAttributeMetadata","LogicalName":"new_c","OptionSet":{"Options":[{"Value":100000001}]}}`),
	)
	v := 100000001
	got, err := srv.through().InsertOptionValue(context.Background(), OptionSetRef{Table: "account", Attribute: "new_c"}, &v, Label{}, "")
	if err != nil || got != v {
		t.Fatalf("value=%d err=%v", got, err)
	}
	if r := srv.requests(); len(r) != 3 || r[2].Query["$expand"] == nil {
		t.Fatalf("requests: %+v", r)
	}
}
