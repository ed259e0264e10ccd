package dataverse

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// OptionSetRef names the choice an option value belongs to: a column's local
// option set (Table + Attribute) or a global choice (GlobalName).
type OptionSetRef struct {
	Table      string
	Attribute  string
	GlobalName string
}

func (r OptionSetRef) params() (map[string]any, error) {
	p := map[string]any{}
	switch {
	case r.GlobalName != "" && r.Table == "" && r.Attribute == "":
		p["OptionSetName"] = r.GlobalName
	case r.GlobalName == "" && r.Table != "" && r.Attribute != "":
		p["EntityLogicalName"] = r.Table
		p["AttributeLogicalName"] = r.Attribute
	default:
		return nil, errors.New("dataverse: option set: give Table and Attribute, or GlobalName")
	}
	return p, nil
}

// InsertOptionValue adds an option and returns its value. value nil lets
// Dataverse pick one from the publisher's option value prefix.
func (c *Client) InsertOptionValue(ctx context.Context, ref OptionSetRef, value *int, label Label, solution string) (int, error) {
	p, err := ref.params()
	if err != nil {
		return 0, err
	}
	if value != nil {
		p["Value"] = *value
	}
	p["Label"] = label
	if solution != "" {
		p["SolutionUniqueName"] = solution
	}
	r := request{method: http.MethodPost, path: "InsertOptionValue", body: p}
	if value != nil && ref.GlobalName == "" {
		// A given value is the option's unique name: look before re-sending.
		r.lookup = func(ctx context.Context) (bool, error) { return c.hasOptionValue(ctx, ref, *value) }
	}
	_, body, err := c.send(ctx, r)
	if transport.WriteApplied(err) {
		return *value, nil
	}
	if err != nil {
		return 0, err
	}
	var out struct {
		NewOptionValue int `json:"NewOptionValue"`
	}
	if len(body) == 0 {
		if value != nil {
			return *value, nil
		}
		return 0, errors.New("dataverse: InsertOptionValue returned no NewOptionValue")
	}
	if err := decodeJSON(body, &out); err != nil {
		return 0, err
	}
	return out.NewOptionValue, nil
}

// UpdateOptionValue relabels an option; mergeLabels keeps other languages.
func (c *Client) UpdateOptionValue(ctx context.Context, ref OptionSetRef, value int, label Label, mergeLabels bool, solution string) error {
	p, err := ref.params()
	if err != nil {
		return err
	}
	p["Value"] = value
	p["Label"] = label
	p["MergeLabels"] = mergeLabels
	if solution != "" {
		p["SolutionUniqueName"] = solution
	}
	// Relabelling to the same label twice changes nothing: safe to re-send.
	_, _, err = c.send(ctx, request{method: http.MethodPost, path: "UpdateOptionValue", body: p, retrySafe: true})
	return err
}

// DeleteOptionValue removes an option.
func (c *Client) DeleteOptionValue(ctx context.Context, ref OptionSetRef, value int, solution string) error {
	p, err := ref.params()
	if err != nil {
		return err
	}
	p["Value"] = value
	if solution != "" {
		p["SolutionUniqueName"] = solution
	}
	_, _, err = c.send(ctx, request{method: http.MethodPost, path: "DeleteOptionValue", body: p})
	return err
}

// hasOptionValue reads a local choice column and reports whether it has the
// option value (the lookup of InsertOptionValue).
func (c *Client) hasOptionValue(ctx context.Context, ref OptionSetRef, value int) (bool, error) {
	a, err := c.GetAttribute(ctx, ref.Table, ref.Attribute, "")
	if err != nil {
		return false, err
	}
	if cast := strings.TrimPrefix(a.ODataType, "#"); cast != "" {
		if a, err = c.GetAttribute(ctx, ref.Table, ref.Attribute, cast); err != nil {
			return false, err
		}
	}
	if a.OptionSet == nil {
		return false, nil
	}
	for _, o := range a.OptionSet.Options {
		if o.Value == value {
			return true, nil
		}
	}
	return false, nil
}
