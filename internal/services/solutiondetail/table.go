package solutiondetail

import (
	"context"
	"fmt"
	"sync"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

// tableInfo is what the resource needs from the catalogue table's metadata.
type tableInfo struct {
	EntitySet  string // for record URLs
	PrimaryKey string // the primary id column
}

// tableInfos caches tableInfo per Dataverse client (one per provider
// configuration, i.e. per CLI command) and table, so refreshing a catalogue
// of many rows reads the table definition once, not once per row.
var tableInfos sync.Map // tableKey → tableInfo

type tableKey struct {
	client *dataverse.Client
	table  string
}

// errTableMissing is returned (wrapped) when the catalogue table does not exist.
var errTableMissing = fmt.Errorf("table not found")

// lookupTable reads the entity set and primary key of table.
func lookupTable(ctx context.Context, dv *dataverse.Client, table string) (tableInfo, error) {
	key := tableKey{dv, table}
	if v, ok := tableInfos.Load(key); ok {
		return v.(tableInfo), nil
	}
	e, err := dv.GetTable(ctx, table)
	if err != nil {
		if dataverse.IsNotFound(err) {
			return tableInfo{}, fmt.Errorf("%w: Dataverse has no table %s", errTableMissing, table)
		}
		return tableInfo{}, err
	}
	info := tableInfo{EntitySet: e.EntitySetName, PrimaryKey: e.PrimaryIDAttribute}
	if info.EntitySet == "" || info.PrimaryKey == "" {
		return tableInfo{}, fmt.Errorf("dataverse returned the table %s without EntitySetName or PrimaryIdAttribute", table)
	}
	// The client derives the primary key it generates on create from the
	// entity set name; a table whose names break that rule cannot be written.
	if derived := dv.PrimaryKeyFor(info.EntitySet); derived != info.PrimaryKey {
		return tableInfo{}, fmt.Errorf("the table %s has the entity set %s and the primary key %s, which the provider's "+
			"naming rule (%s) does not match; rows of this table cannot be managed", table, info.EntitySet, info.PrimaryKey, derived)
	}
	tableInfos.Store(key, info)
	return info, nil
}

// findBySolutionID returns the rows whose solution id column equals id.
func findBySolutionID(ctx context.Context, dv *dataverse.Client, t tableInfo, c columns, id string) ([]dataverse.Record, error) {
	return dv.QueryAll(ctx, t.EntitySet, dataverse.Query{
		Select: []string{t.PrimaryKey, c.SolutionID, c.Name},
		Filter: dataverse.EqString(c.SolutionID, id),
	})
}
