package dataverse

import (
	"context"
	"sort"
)

// ListEnvironmentVariableValues returns every value row of a definition, so
// that callers can tell "none" (the default applies) from "more than one"
// (Dataverse allows one per definition in practice; see facts.go §11).
func (c *Client) ListEnvironmentVariableValues(ctx context.Context, definitionID string) ([]EnvironmentVariableValue, error) {
	f, err := EqGUID(LookupKey("environmentvariabledefinitionid"), definitionID)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryAll(ctx, SetEnvVarValues, Query{Select: envVarValueColumns, Filter: f})
	if err != nil {
		return nil, err
	}
	out := make([]EnvironmentVariableValue, 0, len(rows))
	for _, r := range rows {
		out = append(out, envVarValueFrom(r))
	}
	return out, nil
}

func envVarValueFrom(r Record) EnvironmentVariableValue {
	return EnvironmentVariableValue{
		ID: r.String("environmentvariablevalueid"), DefinitionID: r.Lookup("environmentvariabledefinitionid"),
		SchemaName: r.String("schemaname"), Value: r.String("value"), ETag: r.ETag(),
	}
}

// ListEnvironmentVariableSchemaNames returns the schema names of all
// definitions in the organisation, sorted (for "did you mean" messages).
func (c *Client) ListEnvironmentVariableSchemaNames(ctx context.Context) ([]string, error) {
	rows, err := c.QueryAll(ctx, SetEnvVarDefinitions, Query{Select: []string{"schemaname"}})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(rows))
	for _, r := range rows {
		if n := r.String("schemaname"); n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// ClearEnvironmentVariableValue writes null into a value row's value column
// (the row stays; used to restore a row that had no value).
func (c *Client) ClearEnvironmentVariableValue(ctx context.Context, valueID, ifMatch string) error {
	return c.Update(ctx, SetEnvVarValues, valueID, Record{"value": nil}, ifMatch)
}
