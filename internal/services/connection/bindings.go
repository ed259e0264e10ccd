package connection

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// referenceAPI is the part of the Dataverse client the bindings use.
type referenceAPI interface {
	GetConnectionReference(ctx context.Context, logicalName string) (*dataverse.ConnectionReference, error)
	ListConnectionReferences(ctx context.Context, filter string) ([]dataverse.ConnectionReference, error)
	SetConnectionReferenceConnection(ctx context.Context, id, connectionID string) error
}

// referenceProblem is a configured reference that cannot be bound.
type referenceProblem struct{ name, reason string }

// checkReferences reads every named reference before anything is written:
// each must exist and be for info's connector. problems is empty when all
// can be bound; err is an API failure.
func checkReferences(ctx context.Context, dv referenceAPI, info connectorInfo, names []string) (refs []*dataverse.ConnectionReference, problems []referenceProblem, err error) {
	for _, n := range names {
		ref, err := dv.GetConnectionReference(ctx, n)
		switch {
		case dataverse.IsNotFound(err):
			problems = append(problems, referenceProblem{n, fmt.Sprintf("connection reference %q does not exist", n)})
			continue
		case err != nil:
			return nil, nil, fmt.Errorf("reading connection reference %q: %w", n, err)
		}
		if api := apiOfConnectorID(ref.ConnectorID); !strings.EqualFold(api, info.API) {
			problems = append(problems, referenceProblem{n, fmt.Sprintf("connection reference %q is for connector %s, not %s (%s)", n, api, info.API, info.Title)})
			continue
		}
		// Dataverse matches logical names without case; the names saved in
		// state must be spelled as configured, or the apply is inconsistent.
		ref.LogicalName = n
		refs = append(refs, ref)
	}
	return refs, problems, nil
}

// referencesOf lists the logical names of the references for a connector.
func referencesOf(ctx context.Context, dv referenceAPI, api string) ([]string, error) {
	all, err := dv.ListConnectionReferences(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range all {
		if strings.EqualFold(apiOfConnectorID(r.ConnectorID), api) {
			out = append(out, r.LogicalName)
		}
	}
	return out, nil
}

// problemDetail explains why references cannot be bound and lists the ones
// that can.
func problemDetail(problems []referenceProblem, info connectorInfo, available []string) string {
	var b strings.Builder
	for _, p := range problems {
		b.WriteString(p.reason + ".\n")
	}
	if len(available) > 0 {
		fmt.Fprintf(&b, "\nConnection references of the %s connector (%s) in this Dataverse organisation: %s.\nUse these names in connection_reference_logical_names.",
			info.Title, info.API, strings.Join(available, ", "))
	} else {
		fmt.Fprintf(&b, "\nThis Dataverse organisation has no connection references of the %s connector (%s): install the co-sell solution first, "+
			"or check that the provider's dataverse_url is the organisation of this environment.", info.Title, info.API)
	}
	b.WriteString("\nNothing was created or changed.")
	return b.String()
}

// bindReferences points each reference at the connection; those already
// bound to it are left alone. A 412 (the reference changed since it was
// read, or an earlier attempt of ours succeeded unseen) re-reads it and
// decides again, within transport.DefaultConflictRounds (facts.go §10). A
// reference taken over from another connection gives a warning. It returns
// the logical names bound so far.
func bindReferences(ctx context.Context, dv referenceAPI, refs []*dataverse.ConnectionReference, connectionName string, diags *diag.Diagnostics) ([]string, error) {
	var bound []string
	for _, r := range refs {
		previous := r.ConnectionID
		ref := r
		err := transport.ReadDecideWrite(ctx, transport.DefaultConflictRounds, dataverse.IsPreconditionFailed, func(ctx context.Context) error {
			if ref == nil { // a later round: read what is there now
				var err error
				if ref, err = dv.GetConnectionReference(ctx, r.LogicalName); err != nil {
					return err
				}
			}
			if strings.EqualFold(ref.ConnectionID, connectionName) {
				return nil
			}
			err := dv.SetConnectionReferenceConnection(ctx, ref.ID, connectionName)
			ref = nil
			return err
		})
		if err != nil {
			return bound, fmt.Errorf("binding connection reference %q: %w", r.LogicalName, err)
		}
		if previous != "" && !strings.EqualFold(previous, connectionName) {
			diags.AddAttributeWarning(pathReferences, fmt.Sprintf("Connection reference %s re-bound", r.LogicalName),
				fmt.Sprintf("Connection reference %q pointed at connection %s; it now points at %s. If %s is left over (e.g. made by hand, "+
					"or by an earlier version of this provider during an interrupted apply) and nothing else uses it, delete it in Power Automate "+
					"(Data → Connections).", r.LogicalName, previous, connectionName, previous))
		}
		bound = append(bound, r.LogicalName)
	}
	return bound, nil
}

// boundTo returns those of names whose reference points at the connection:
// a reference re-bound or unbound elsewhere, or deleted, drops out (drift).
func boundTo(ctx context.Context, dv referenceAPI, names []string, connectionName string) ([]string, error) {
	out := []string{}
	for _, n := range names {
		ref, err := dv.GetConnectionReference(ctx, n)
		if dataverse.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading connection reference %q: %w", n, err)
		}
		if strings.EqualFold(ref.ConnectionID, connectionName) {
			out = append(out, n)
		}
	}
	return out, nil
}

// unbindReferences clears the connection of those of names that still
// point at this connection; others (re-bound elsewhere, gone) are left alone.
func unbindReferences(ctx context.Context, dv referenceAPI, names []string, connectionName string) error {
	for _, n := range names {
		ref, err := dv.GetConnectionReference(ctx, n)
		if dataverse.IsNotFound(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading connection reference %q: %w", n, err)
		}
		if !strings.EqualFold(ref.ConnectionID, connectionName) {
			continue
		}
		if err := dv.SetConnectionReferenceConnection(ctx, ref.ID, ""); err != nil && !dataverse.IsNotFound(err) {
			return fmt.Errorf("unbinding connection reference %q: %w", n, err)
		}
	}
	return nil
}

// discoverBound lists the references of api bound to the connection (import).
func discoverBound(ctx context.Context, dv referenceAPI, api, connectionName string) ([]string, error) {
	refs, err := dv.ListConnectionReferences(ctx, dataverse.EqString("connectionid", connectionName))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range refs {
		if strings.EqualFold(apiOfConnectorID(r.ConnectorID), api) && strings.EqualFold(r.ConnectionID, connectionName) {
			out = append(out, r.LogicalName)
		}
	}
	return out, nil
}
