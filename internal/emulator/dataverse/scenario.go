package dataverse

import (
	"fmt"
	"sort"
	"strings"
)

// Scenario is the organisation's seed: custom tables and columns (created
// through the same code as the metadata API), rows per entity set in Web API
// shape (including "<nav>@odata.bind" and the primary key), and limits.
type Scenario struct {
	Tables  []TableSpec                 `json:"tables,omitempty"`
	Columns []ColumnSpec                `json:"columns,omitempty"`
	Records map[string][]map[string]any `json:"records,omitempty"` // entity set → rows
	Limits  Limits                      `json:"limits,omitempty"`
	// ApplicationUsers are the client ids of the apps registered as
	// application users of the organisation; app-only tokens of other apps
	// are answered 403 (appusers.go). Absent: every app is one.
	ApplicationUsers []string `json:"application_users,omitempty"`
	// RowVersionStart is where the global row version (the ETag) counts from.
	RowVersionStart int64 `json:"row_version_start,omitempty"`
}

// TableSpec is a custom table.
type TableSpec struct {
	SchemaName            string     `json:"schema_name"`
	DisplayName           string     `json:"display_name"`
	DisplayCollectionName string     `json:"display_collection_name,omitempty"`
	Description           string     `json:"description,omitempty"`
	OwnershipType         string     `json:"ownership_type,omitempty"` // UserOwned (default) or OrganizationOwned
	EntitySetName         string     `json:"entity_set_name,omitempty"`
	PrimaryName           ColumnSpec `json:"primary_name"` // a String column
	Solution              string     `json:"solution,omitempty"`
}

// ColumnSpec is a custom column. Type is String, Memo, Boolean, Picklist,
// Money, DateTime, Integer, Decimal or Lookup.
type ColumnSpec struct {
	Table         string       `json:"table,omitempty"` // logical name of the table (Scenario.Columns)
	SchemaName    string       `json:"schema_name"`
	Type          string       `json:"type"`
	DisplayName   string       `json:"display_name"`
	Description   string       `json:"description,omitempty"`
	RequiredLevel string       `json:"required_level,omitempty"`
	MaxLength     int          `json:"max_length,omitempty"`
	Format        string       `json:"format,omitempty"` // String: Text/Email/Url/…; DateTime: DateOnly/DateAndTime
	Precision     *int         `json:"precision,omitempty"`
	MinValue      *float64     `json:"min_value,omitempty"`
	MaxValue      *float64     `json:"max_value,omitempty"`
	Options       []OptionSpec `json:"options,omitempty"`     // Picklist
	TrueLabel     string       `json:"true_label,omitempty"`  // Boolean
	FalseLabel    string       `json:"false_label,omitempty"` // Boolean
	DefaultValue  *bool        `json:"default_value,omitempty"`
	Target        string       `json:"target,omitempty"`         // Lookup: referenced table
	Relationship  string       `json:"relationship,omitempty"`   // Lookup: relationship schema name (default <target>_<table>_<column>)
	CascadeDelete string       `json:"cascade_delete,omitempty"` // Lookup: Cascade, RemoveLink (default), Restrict
	Solution      string       `json:"solution,omitempty"`
}

// OptionSpec is one choice option.
type OptionSpec struct {
	Value int    `json:"value"`
	Label string `json:"label"`
}

func labelBody(text string) map[string]any {
	if text == "" {
		return map[string]any{"LocalizedLabels": []any{}}
	}
	return map[string]any{"LocalizedLabels": []any{map[string]any{"Label": text, "LanguageCode": langEnglish}}}
}

// metadata renders the spec as the Web API AttributeMetadata body.
func (c ColumnSpec) metadata() map[string]any {
	m := map[string]any{"AttributeType": c.Type, "SchemaName": c.SchemaName, "DisplayName": labelBody(c.DisplayName),
		"Description": labelBody(c.Description), "RequiredLevel": map[string]any{"Value": orDefault(c.RequiredLevel, "None")}}
	if c.MaxLength > 0 {
		m["MaxLength"] = c.MaxLength
	}
	switch c.Type {
	case typeString:
		if c.Format != "" {
			m["FormatName"] = map[string]any{"Value": c.Format}
		}
	case typeDateTime:
		m["Format"] = orDefault(c.Format, "DateOnly")
		if m["Format"] == "DateOnly" {
			m["DateTimeBehavior"] = map[string]any{"Value": "DateOnly"}
		}
	case typeBoolean:
		m["OptionSet"] = map[string]any{
			"TrueOption":  map[string]any{"Value": 1, "Label": labelBody(orDefault(c.TrueLabel, "Yes"))},
			"FalseOption": map[string]any{"Value": 0, "Label": labelBody(orDefault(c.FalseLabel, "No"))}}
		if c.DefaultValue != nil {
			m["DefaultValue"] = *c.DefaultValue
		}
	case typePicklist:
		opts := make([]any, len(c.Options))
		for i, o := range c.Options {
			opts[i] = map[string]any{"Value": o.Value, "Label": labelBody(o.Label)}
		}
		m["OptionSet"] = map[string]any{"IsGlobal": false, "OptionSetType": "Picklist", "Options": opts}
	}
	if c.Precision != nil {
		m["Precision"] = *c.Precision
	}
	if c.MinValue != nil {
		m["MinValue"] = *c.MinValue
	}
	if c.MaxValue != nil {
		m["MaxValue"] = *c.MaxValue
	}
	return m
}

// relationshipMetadata renders a Lookup spec as a OneToManyRelationshipMetadata body.
func (c ColumnSpec) relationshipMetadata(table string) map[string]any {
	name := c.Relationship
	if name == "" {
		prefix, _, _ := strings.Cut(c.SchemaName, "_")
		name = prefix + "_" + c.Target + "_" + table + "_" + strings.ToLower(c.SchemaName)
	}
	return map[string]any{
		"@odata.type": crmNS + "OneToManyRelationshipMetadata", "SchemaName": name,
		"ReferencedEntity": c.Target, "ReferencingEntity": table,
		"CascadeConfiguration": map[string]any{"Delete": orDefault(c.CascadeDelete, "RemoveLink")},
		"Lookup":               c.metadata(),
	}
}

func (t TableSpec) metadata() map[string]any {
	primary := t.PrimaryName
	primary.Type = typeString
	pm := primary.metadata()
	pm["IsPrimaryName"] = true
	m := map[string]any{"SchemaName": t.SchemaName, "OwnershipType": orDefault(t.OwnershipType, "UserOwned"),
		"DisplayName": labelBody(t.DisplayName), "DisplayCollectionName": labelBody(orDefault(t.DisplayCollectionName, t.DisplayName+"s")),
		"Description": labelBody(t.Description), "HasNotes": false, "HasActivities": false, "IsActivity": false,
		"Attributes": []any{pm}}
	if t.EntitySetName != "" {
		m["EntitySetName"] = t.EntitySetName
	}
	return m
}

// applyScenario creates the scenario's tables, columns and rows.
func (s *Service) applyScenario(sc Scenario) error {
	for _, ts := range sc.Tables {
		if _, e := s.addTable(ts.metadata(), ts.Solution); e != nil {
			return fmt.Errorf("table %s: %s", ts.SchemaName, e.Message)
		}
	}
	for _, c := range sc.Columns {
		t := s.schema.tables[strings.ToLower(c.Table)]
		if t == nil {
			return fmt.Errorf("column %s: unknown table %q", c.SchemaName, c.Table)
		}
		var e *apiError
		if c.Type == typeLookup {
			_, e = s.addRelationship(c.relationshipMetadata(t.LogicalName), c.Solution)
		} else {
			_, e = s.addAttribute(t, c.metadata(), c.Solution)
		}
		if e != nil {
			return fmt.Errorf("column %s.%s: %s", c.Table, c.SchemaName, e.Message)
		}
	}
	return s.seedRecords(sc.Records)
}

// seedRecords inserts rows in two passes, lookups last, so rows may refer to
// each other in any order.
func (s *Service) seedRecords(records map[string][]map[string]any) error {
	sets := make([]string, 0, len(records))
	for set := range records {
		sets = append(sets, set)
	}
	sort.Slice(sets, func(i, j int) bool { // currencies first: money columns default to the base currency
		if (sets[i] == "transactioncurrencies") != (sets[j] == "transactioncurrencies") {
			return sets[i] == "transactioncurrencies"
		}
		return sets[i] < sets[j]
	})
	type pending struct {
		t     *table
		id    string
		binds map[string]any
	}
	var later []pending
	for _, set := range sets {
		t := s.schema.bySet(set)
		if t == nil {
			return fmt.Errorf("records: unknown entity set %q", set)
		}
		for i, row := range records[set] {
			plain, binds := map[string]any{}, map[string]any{}
			for k, v := range row {
				if strings.HasSuffix(k, "@odata.bind") {
					binds[k] = v
				} else {
					plain[k] = v
				}
			}
			id, e := s.createRecord(t, plain, writeOpts{trusted: true})
			if e != nil {
				return fmt.Errorf("records %s[%d]: %s", set, i, e.Message)
			}
			if len(binds) > 0 {
				later = append(later, pending{t, id, binds})
			}
		}
	}
	for _, p := range later {
		if e := s.updateRecord(p.t, p.id, p.binds, writeOpts{trusted: true}); e != nil {
			return fmt.Errorf("records %s(%s): %s", p.t.EntitySetName, p.id, e.Message)
		}
	}
	return nil
}
