package dataverse

import (
	"net/http"
	"strings"
)

// InsertOptionValue / UpdateOptionValue / DeleteOptionValue on local choice
// columns: {"EntityLogicalName", "AttributeLogicalName", "Value", "Label",
// "Description", "MergeLabels", "SolutionUniqueName"}.

func (s *Service) optionTarget(body map[string]any, action string) (*table, *attribute, *apiError) {
	s.touchSchema()
	if str(body, "OptionSetName") != "" {
		return nil, nil, errNotImplemented("global choices (OptionSetName in " + action + ")")
	}
	tn, an := strings.ToLower(str(body, "EntityLogicalName")), strings.ToLower(str(body, "AttributeLogicalName"))
	if tn == "" || an == "" {
		return nil, nil, metaBad("%s needs EntityLogicalName and AttributeLogicalName.", action)
	}
	t := s.schema.tables[tn]
	if t == nil {
		return nil, nil, errTableNotFound(tn)
	}
	a := t.attr(an)
	if a == nil {
		return nil, nil, errf(http.StatusNotFound, codeObjectNotFound, "Could not find attribute with LogicalName '%s' on entity '%s'.", an, tn)
	}
	return t, a, nil
}

func (s *Service) insertOptionValue(body map[string]any) (int, *apiError) {
	t, a, e := s.optionTarget(body, "InsertOptionValue")
	if e != nil {
		return 0, e
	}
	if a.Type != typePicklist {
		return 0, metaBad("InsertOptionValue applies to choice (Picklist) columns; '%s' is %s.", a.LogicalName, a.Type)
	}
	o := option{}
	if o.Label, e = parseLabel(body, "Label"); e != nil {
		return 0, e
	}
	if len(o.Label.Localized) == 0 {
		return 0, metaBad("InsertOptionValue needs a Label.")
	}
	if o.Description, e = parseLabel(body, "Description"); e != nil {
		return 0, e
	}
	if v, ok := body["Value"]; ok && v != nil {
		n, ok := toInt(v)
		if !ok {
			return 0, metaBad("Value must be an integer.")
		}
		o.Value = int(n)
		if _, dup := a.option(o.Value); dup {
			return 0, errf(http.StatusBadRequest, codeInvalidArgument,
				"The option value %d already exists in the option set of '%s'.", o.Value, a.LogicalName)
		}
	} else {
		o.Value = firstOptionValue
		for _, x := range a.Options {
			o.Value = max(o.Value, x.Value+1)
		}
	}
	a.Options = append(append([]option(nil), a.Options...), o)
	s.recordComponent(str(body, "SolutionUniqueName"), "OptionSet", t.LogicalName, a.OptionSetName, a.optionSetKey())
	return o.Value, nil
}

func (s *Service) updateOptionValue(body map[string]any) *apiError {
	t, a, e := s.optionTarget(body, "UpdateOptionValue")
	if e != nil {
		return e
	}
	n, ok := toInt(body["Value"])
	if !ok {
		return metaBad("UpdateOptionValue needs an integer Value.")
	}
	lbl, e := parseLabel(body, "Label")
	if e != nil {
		return e
	}
	desc, e := parseLabel(body, "Description")
	if e != nil {
		return e
	}
	merge, _ := body["MergeLabels"].(bool)
	apply := func(o *option) {
		if merge {
			o.Label, o.Description = o.Label.merge(lbl), o.Description.merge(desc)
		} else {
			o.Label, o.Description = lbl, desc
		}
	}
	switch a.Type {
	case typeBoolean:
		switch n {
		case 1:
			apply(&a.TrueOption)
		case 0:
			apply(&a.FalseOption)
		default:
			return metaBad("A Boolean column has only the values 0 and 1.")
		}
	case typePicklist, typeState, typeStatus:
		opts := append([]option(nil), a.Options...)
		found := false
		for i := range opts {
			if opts[i].Value == int(n) {
				apply(&opts[i])
				found = true
			}
		}
		if !found {
			return errf(http.StatusNotFound, codeObjectNotFound, "The option value %d does not exist in the option set of '%s'.", n, a.LogicalName)
		}
		a.Options = opts
	default:
		return metaBad("UpdateOptionValue applies to choice columns; '%s' is %s.", a.LogicalName, a.Type)
	}
	s.recordComponent(str(body, "SolutionUniqueName"), "OptionSet", t.LogicalName, a.OptionSetName, a.optionSetKey())
	return nil
}

// deleteOptionValue removes an option; rows keeping that value keep it (as
// Dataverse does: the data is not rewritten).
func (s *Service) deleteOptionValue(body map[string]any) *apiError {
	_, a, e := s.optionTarget(body, "DeleteOptionValue")
	if e != nil {
		return e
	}
	if a.Type != typePicklist {
		return metaBad("DeleteOptionValue applies to choice (Picklist) columns; '%s' is %s.", a.LogicalName, a.Type)
	}
	n, ok := toInt(body["Value"])
	if !ok {
		return metaBad("DeleteOptionValue needs an integer Value.")
	}
	var keep []option
	for _, o := range a.Options {
		if o.Value != int(n) {
			keep = append(keep, o)
		}
	}
	if len(keep) == len(a.Options) {
		return errf(http.StatusNotFound, codeObjectNotFound, "The option value %d does not exist in the option set of '%s'.", n, a.LogicalName)
	}
	a.Options = keep
	return nil
}

// optionSetKey identifies the option set as a solution component.
func (a *attribute) optionSetKey() string {
	if a.OptionSetID != "" {
		return a.OptionSetID
	}
	return a.MetadataID
}
