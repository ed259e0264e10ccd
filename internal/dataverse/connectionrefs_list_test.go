package dataverse

import (
	"context"
	"testing"
)

func TestListConnectionReferences(t *testing.T) {
	srv := newServer(t,
		reply(200, `{"value":[
		  {"connectionreferenceid":"`+crefID+`","connectionreferencelogicalname":"pfx_zeta","connectorid":"/providers/Microsoft.PowerApps/apis/shared_x","connectionid":"abc","statecode":0,"statuscode":1},
		  {"connectionreferenceid":"`+defID+`","connectionreferencelogicalname":"pfx_Alpha","connectorid":"/providers/Microsoft.PowerApps/apis/shared_x","connectionid":null,"statecode":0,"statuscode":1}]}`),
		reply(200, `{"value":[]}`),
	)
	c := srv.client()
	refs, err := c.ListConnectionReferences(context.Background(), EqString("connectionid", "abc"))
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 || refs[0].LogicalName != "pfx_Alpha" || refs[1].LogicalName != "pfx_zeta" ||
		refs[1].ConnectionID != "abc" || refs[0].ConnectionID != "" || refs[1].ID != crefID {
		t.Errorf("refs = %+v", refs)
	}
	r := srv.req(t, 0)
	if r.Path != "/api/data/v9.2/connectionreferences" || r.Query["$filter"][0] != "connectionid eq 'abc'" ||
		r.Query["$select"][0] != "connectionreferenceid,connectionreferencelogicalname,connectionreferencedisplayname,connectorid,connectionid,description,statecode,statuscode" {
		t.Errorf("list: %s?%s", r.Path, r.RawQuery)
	}
	refs, err = c.ListConnectionReferences(context.Background(), "")
	if err != nil || len(refs) != 0 {
		t.Errorf("empty: %v %v", refs, err)
	}
	if _, ok := srv.req(t, 1).Query["$filter"]; ok {
		t.Error("no filter expected for an empty filter")
	}
}
