// Package flow holds cosell_flow_activation (switches the co-sell
// connector's cloud flows on in their documented order) and the cosell_flows
// data source.
package flow

import "github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"

// The connector's flows and their turn-on order, in ONE place
// (cosell-connector.md §4.1, "Documented turn-on order (2023)"). Names are
// the display names of the Aug-2023 solution screenshot [shot]; the en dash
// in "Create Co-sell Referral – …" is as published.
var documentedOrder = []string{
	"Partner Center Webhook Registration",
	"[Customize] Create or Get Details from Dynamics 365",
	"Create Co-sell Referral – Dynamics 365 to Partner Center",
	"Partner Center to Dynamics 365 - Helper",
	"Partner Center Microsoft Co-sell Referral Updates to Dynamics 365",
	"Partner Center to Dynamics 365",
	"Dynamics 365 to Partner Center",
	"Dynamics 365 Opportunity to Partner Center",
	"Dynamics 365 Microsoft Solution(s) to Partner Center",
}

// knownChildren is the connector's parent → child flow graph as far as the
// reference tells it (cosell-connector.md §4.1): the Helper and the Co-sell
// Referral Updates flows "must be on before" Partner Center to Dynamics 365
// [doc]; Create Co-sell Referral is the child flow that creates the referral
// for Dynamics 365 to Partner Center, which the opportunity entry point
// calls — both [infer] from the roles and the documented order. The plan
// checks a configured `flows` list against it without any request; the
// real graph (each flow's clientdata) is checked too when the plan can
// read the flows.
var knownChildren = map[string][]string{
	"Partner Center to Dynamics 365": {"Partner Center to Dynamics 365 - Helper",
		"Partner Center Microsoft Co-sell Referral Updates to Dynamics 365"},
	"Dynamics 365 to Partner Center":             {"Create Co-sell Referral – Dynamics 365 to Partner Center"},
	"Dynamics 365 Opportunity to Partner Center": {"Dynamics 365 to Partner Center"},
}

// optionalFlows are in the solution but not in the documented order, so they
// are NOT switched on by default (choice 1 below); add them to `flows` to
// switch them on. The auto-heal name keeps the published misspelling.
var optionalFlows = []string{
	"Dynamics 365 Leads to Partner Center",
	"Auto-heal of Microsoft Partner Center sychronization details",
}

// insiderPreviewSuffix is appended to most flow names in the published
// solution (cosell-connector.md §4.1 heading).
const insiderPreviewSuffix = "(Insider Preview)"

// connectorValues maps a connector api name to the cosell_connection
// `connector` value that creates a connection for it, for the diagnostics
// that point at cosell_connection.
var connectorValues = map[string]string{
	powerplatform.APIPartnerCenterReferrals: "partner_center_referrals",
	powerplatform.APIPartnerCenterEvents:    "partner_center_events",
	powerplatform.APIDataverse:              "dataverse",
}

// connectorTitles are the connectors' display names (for snippets).
var connectorTitles = map[string]string{
	powerplatform.APIPartnerCenterReferrals: "Partner Center Referrals",
	powerplatform.APIPartnerCenterEvents:    "Partner Center Events",
	powerplatform.APIDataverse:              "Microsoft Dataverse",
}

// Choices where the reference docs are silent or unconfirmed:
//
//  1. Default `flows` = the nine flows of the documented order. "Dynamics 365
//     Leads to Partner Center" and the auto-heal flow are left out: Microsoft
//     does not list them in the order (Leads: "present in solution
//     screenshots; not in the documented turn-on order"; auto-heal:
//     undocumented and paired with a scheduler variable). Listing them
//     explicitly switches them on; they call no child flow.
//  2. Matching a name in `flows` to a workflow row (category 5, cloud flows):
//     first by `uniquename` (case-insensitive); otherwise by display name,
//     compared after normalising both sides: case-folded, a trailing
//     "(Insider Preview)" removed (the published solution carries it, the
//     docs and the emulator do not), en/em dashes and the minus sign read as
//     "-", runs of white space read as one space. No prefix or fuzzy match.
//     Two workflows matching one name is an error asking for the unique name.
//     Workflow rows of type 2 (activation) and 3 (template) are ignored.
//  3. A flow counts as on when statecode = 1 (Activated). statecode 2
//     (Suspended / CompanyDLPViolation) is reported as `suspended` and, like
//     `off`, is drift that the next apply tries to switch on.
//  4. Everything the API can tell is checked before the first write, with
//     one error per kind listing every problem: unknown names (the error
//     lists the cloud flows that exist); connection references of the flows
//     to switch on that are missing, unbound, or (when the provider has an
//     environment_id) bound to a connection Power Platform does not know;
//     child flows that are off and not listed before their caller. Only
//     flows that are not on are PATCHed ({statecode:1,statuscode:2},
//     If-Match: *), in list order. Activation errors from the flow service
//     (XrmConnectionReferenceMissingConnection, ConnectionNotFound,
//     XrmConnectionReferenceNotFound, ChildFlowNeverPublished,
//     ConnectionAuthorizationFailed) are still translated if they happen.
//  5. A failed create switches back off the flows it had switched on (in
//     reverse), so a failed create leaves the environment as it found it and
//     nothing in state. A failed update keeps what it did and saves the
//     states it reads back, so the next plan shows the remaining update.
//  6. Destroy switches off, in reverse list order, every listed flow that
//     exists and is not off — also flows that were on before Terraform; it
//     never fails on a flow that is already off or gone.
//     `turn_off_on_destroy = false` leaves them on. On update, flows removed
//     from `flows` are switched off the same way (reverse order of the old
//     list) unless `turn_off_on_destroy` is false.
//  7. id = the host of the provider's dataverse_url (one activation per
//     organisation, e.g. contoso.crm.dynamics.com). Import id: `<host>` (the
//     documented order) or `<host>/<name>;<name>;…` (an explicit list, names
//     or unique names separated by ";"); the host must be the provider's.
//  8. Read matches names again on every refresh, so a flow deleted and
//     re-created (e.g. the solution re-imported with new workflow ids) is
//     picked up with its new id. A listed flow that no longer exists shows
//     as `missing` in `states` (an update in the plan, which then fails
//     before any write listing the flows that exist). When none of the listed
//     flows exists any more (the solution was removed), the resource is
//     removed from state and the plan re-creates it.
//  9. `solution_unique_name` is not offered: solutions are not modelled by
//     this provider's Dataverse client (solutioncomponents are not read), and
//     matching by unique name already distinguishes two installs.
