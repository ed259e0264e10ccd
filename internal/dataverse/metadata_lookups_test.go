package dataverse

import (
	"context"
	"testing"
)

func TestLookupRelationship(t *testing.T) {
	srv := newServer(t,
		reply(200, `{"value":[{"@odata.type":"#Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata","MetadataId":"`+relID+`",
		  "SchemaName":"pfx_account_opportunity_PartnerId","ReferencedEntity":"account","ReferencingEntity":"opportunity",
		  "ReferencingAttribute":"pfx_partnerid"}]}`),
		reply(200, `{"value":[]}`),
		reply(404, `{"error":{"code":"0x80040217","message":"Entity with a name = 'nosuch' was not found in the MetadataCache."}}`),
	)
	c := srv.client()
	rel, err := c.LookupRelationship(context.Background(), "opportunity", "pfx_partnerid")
	if err != nil || rel.SchemaName != "pfx_account_opportunity_PartnerId" || rel.MetadataID != relID || rel.ReferencedEntity != "account" {
		t.Fatalf("rel=%+v err=%v", rel, err)
	}
	r := srv.req(t, 0)
	if r.Method != "GET" || r.RawPath != "/api/data/v9.2/EntityDefinitions(LogicalName='opportunity')/ManyToOneRelationships" ||
		r.RawQuery != "$filter=ReferencingAttribute%20eq%20'pfx_partnerid'" {
		t.Errorf("%s %s?%s", r.Method, r.RawPath, r.RawQuery)
	}
	assertODataHeaders(t, r)
	assertHeader(t, r.Header, HeaderConsistency, "Strong")

	if _, err := c.LookupRelationship(context.Background(), "opportunity", "pfx_other"); !IsNotFound(err) {
		t.Errorf("empty answer: err=%v, want not found", err)
	}
	if _, err := c.LookupRelationship(context.Background(), "nosuch", "pfx_other"); !IsNotFound(err) {
		t.Errorf("missing table: err=%v, want not found", err)
	}
}
