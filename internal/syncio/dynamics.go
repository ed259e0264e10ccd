package syncio

import (
	"context"
	"fmt"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// Dynamics is the engine's Dynamics port over the Dataverse Web API. It
// learns each table's shape (entity set, primary key, column types, lookup
// navigation properties) from metadata, so the engine can name tables and
// columns by logical name only. Shapes are cached per process and
// Dataverse organisation (shapeCache): a Terraform operation builds a new
// port for each refresh and apply, and table metadata rarely changes. A
// cached shape that lacks a column the engine asks for is read again once
// (the column may have been created since, e.g. by cosell_crm_field in the
// same apply).
type Dynamics struct {
	dv *dataverse.Client
}

var _ engine.Dynamics = (*Dynamics)(nil)

// shapeCache holds table shapes by organisation URL and table name.
var shapeCache gosync.Map // string → *dataverse.TableShape

// NewDynamics returns the port over dv.
func NewDynamics(dv *dataverse.Client) *Dynamics {
	return &Dynamics{dv: dv}
}

// shape returns the table's shape, from the cache when it has it.
func (d *Dynamics) shape(ctx context.Context, table string) (*dataverse.TableShape, error) {
	if s, ok := shapeCache.Load(d.dv.OrgURL() + "\x00" + table); ok {
		return s.(*dataverse.TableShape), nil
	}
	return d.readShape(ctx, table)
}

// shapeWith returns the table's shape, read again when the cached one lacks
// one of columns (then a still missing column is the caller's error).
func (d *Dynamics) shapeWith(ctx context.Context, table string, columns ...string) (*dataverse.TableShape, error) {
	s, err := d.shape(ctx, table)
	if err != nil {
		return nil, err
	}
	for _, c := range columns {
		if _, ok := s.Types[c]; !ok {
			return d.readShape(ctx, table)
		}
	}
	return s, nil
}

func (d *Dynamics) readShape(ctx context.Context, table string) (*dataverse.TableShape, error) {
	s, err := d.dv.GetTableShape(ctx, table)
	if err != nil {
		if dataverse.IsNotFound(err) {
			return nil, fmt.Errorf("Dataverse has no table %q (is the co-sell connector solution installed?): %w", table, err)
		}
		return nil, err
	}
	shapeCache.Store(d.dv.OrgURL()+"\x00"+table, s)
	return s, nil
}

// ReadVariables reads the definitions (default values) and their value
// records: two queries, whatever the number of variables.
func (d *Dynamics) ReadVariables(ctx context.Context, schemaNames []string) (map[string]string, error) {
	names := dedupe(schemaNames)
	out := map[string]string{}
	if len(names) == 0 {
		return out, nil
	}
	byID := map[string]string{}
	var atoms []string
	for _, n := range names {
		atoms = append(atoms, dataverse.EqString("schemaname", n))
	}
	for _, f := range orFilters(atoms, rowKeyChunk) {
		err := d.dv.Query(ctx, "environmentvariabledefinitions", dataverse.Query{
			Select: []string{"environmentvariabledefinitionid", "schemaname", "defaultvalue"}, Filter: f,
		}, func(page []dataverse.Record) error {
			for _, r := range page {
				byID[r.String("environmentvariabledefinitionid")] = r.String("schemaname")
				if r.Has("defaultvalue") {
					out[r.String("schemaname")] = r.String("defaultvalue")
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the connector's environment variables: %w", err)
		}
	}
	atoms = atoms[:0]
	for id := range byID {
		atoms = append(atoms, "_environmentvariabledefinitionid_value eq "+id)
	}
	for _, f := range orFilters(atoms, rowKeyChunk) {
		err := d.dv.Query(ctx, "environmentvariablevalues", dataverse.Query{
			Select: []string{"value", "_environmentvariabledefinitionid_value"}, Filter: f,
		}, func(page []dataverse.Record) error {
			for _, r := range page {
				if name, ok := byID[r.Lookup("environmentvariabledefinitionid")]; ok {
					out[name] = r.String("value")
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the connector's environment variable values: %w", err)
		}
	}
	return out, nil
}

// ListRows pages through q.Table with $select of q.Columns (plus the primary
// key and modifiedon). IDs and Where become OR filters chunked by
// rowKeyChunk, whose first pages travel together in one $batch of GETs;
// rows matched by two chunks are passed on once.
func (d *Dynamics) ListRows(ctx context.Context, q engine.RowQuery, page func([]engine.Row) error) error {
	cols := slices.Clone(q.Columns)
	for _, c := range q.Where {
		cols = append(cols, c.Column)
	}
	s, err := d.shapeWith(ctx, q.Table, cols...)
	if err != nil {
		return err
	}
	sel := []string{s.PrimaryIDAttribute, "modifiedon"}
	for _, c := range q.Columns {
		if _, ok := s.Types[c]; !ok {
			return &MissingColumnError{Table: q.Table, Column: c}
		}
		sel = append(sel, selectName(s, c))
	}
	var atoms []string
	for _, id := range dedupe(q.IDs) {
		if !dataverse.IsGUID(id) {
			return fmt.Errorf("%s id %q is not a GUID", q.Table, id)
		}
		atoms = append(atoms, s.PrimaryIDAttribute+" eq "+id)
	}
	for _, c := range q.Where {
		if _, ok := s.Types[c.Column]; !ok {
			return &MissingColumnError{Table: q.Table, Column: c.Column}
		}
		if c.NotNull {
			atoms = append(atoms, selectName(s, c.Column)+" ne null")
			continue
		}
		for _, v := range c.Values {
			lit, err := literal(s, c.Column, v)
			if err != nil {
				return err
			}
			atoms = append(atoms, selectName(s, c.Column)+" eq "+lit)
		}
	}
	filters := []string{""}
	if len(q.IDs) > 0 || len(q.Where) > 0 {
		filters = orFilters(atoms, rowKeyChunk)
		if len(filters) == 0 {
			return nil // keys given, none valid: nothing can match
		}
	}
	qs := make([]dataverse.Query, len(filters))
	for i, f := range filters {
		if !q.ModifiedSince.IsZero() {
			f = joinAnd(f, "modifiedon ge "+q.ModifiedSince.UTC().Format(time.RFC3339))
		}
		qs[i] = dataverse.Query{Select: sel, Filter: f, MaxPageSize: rowPageSize, IncludeAnnotations: "Microsoft.Dynamics.CRM.lookuplogicalname"}
	}
	seen := map[string]bool{}
	err = d.dv.QueryMany(ctx, s.EntitySetName, qs, func(recs []dataverse.Record) error {
		rows := make([]engine.Row, 0, len(recs))
		for _, r := range recs {
			row := rowFromRecord(s, q.Columns, r)
			if seen[row.ID] {
				continue
			}
			seen[row.ID] = true
			rows = append(rows, row)
		}
		if len(rows) == 0 {
			return nil
		}
		return page(rows)
	})
	if err != nil {
		return fmt.Errorf("list %s: %w", s.EntitySetName, err)
	}
	return nil
}

// selectName is the name a column has in $select and $filter: lookups are
// read as _<column>_value.
func selectName(s *dataverse.TableShape, column string) string {
	if s.IsLookup(column) {
		return dataverse.LookupKey(column)
	}
	return column
}

// literal formats a filter value for column.
func literal(s *dataverse.TableShape, column string, v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case engine.Ref:
		v = x.ID
	}
	if s.IsLookup(column) || s.Types[column] == "Uniqueidentifier" {
		id, _ := v.(string)
		if !dataverse.IsGUID(id) {
			return "", fmt.Errorf("%s.%s: %v is not a GUID", s.LogicalName, column, v)
		}
		return id, nil
	}
	switch x := v.(type) {
	case string:
		return dataverse.Quote(x), nil
	case bool:
		return fmt.Sprint(x), nil
	case int, int64, float64:
		return fmt.Sprint(x), nil
	}
	return "", fmt.Errorf("%s.%s: cannot filter on a %T", s.LogicalName, column, v)
}

// rowFromRecord converts a Web API record to the engine's Row (types per
// the port: string, float64, int, bool, Ref, nil).
func rowFromRecord(s *dataverse.TableShape, columns []string, r dataverse.Record) engine.Row {
	row := engine.Row{Table: s.LogicalName, ID: r.String(s.PrimaryIDAttribute), ETag: r.ETag(), Values: make(map[string]any, len(columns))}
	if t, err := time.Parse(time.RFC3339, r.String("modifiedon")); err == nil {
		row.ModifiedOn = t
	}
	for _, c := range columns {
		row.Values[c] = value(s, c, r)
	}
	return row
}

func value(s *dataverse.TableShape, c string, r dataverse.Record) any {
	if s.IsLookup(c) {
		id := r.Lookup(c)
		if id == "" {
			return nil
		}
		target := r.String(dataverse.LookupKey(c) + dataverse.AnnotationLookupLogical)
		if target == "" {
			target = singleTarget(s, c)
		}
		return engine.Ref{Table: target, ID: id}
	}
	if r[c] == nil {
		return nil
	}
	switch s.Types[c] {
	case "Picklist", "State", "Status", "Integer", "BigInt":
		if i, ok := r.Int(c); ok {
			return int(i)
		}
	case "Money", "Decimal", "Double":
		if f, ok := r.Float(c); ok {
			return f
		}
	case "Boolean":
		if b, ok := r.Bool(c); ok {
			return b
		}
	}
	return r.String(c)
}

// singleTarget is the target table of a lookup with one target.
func singleTarget(s *dataverse.TableShape, column string) string {
	prefix := strings.ToLower(column) + "/"
	target := ""
	for k := range s.Navs {
		if strings.HasPrefix(k, prefix) {
			if target != "" {
				return ""
			}
			target = strings.TrimPrefix(k, prefix)
		}
	}
	return target
}

// orFilters joins atoms into "(a or b …)" filters of at most n atoms.
func orFilters(atoms []string, n int) []string {
	var out []string
	for len(atoms) > 0 {
		k := min(n, len(atoms))
		out = append(out, "("+strings.Join(atoms[:k], " or ")+")")
		atoms = atoms[k:]
	}
	return out
}

func joinAnd(a, b string) string {
	if a == "" {
		return b
	}
	return a + " and " + b
}
