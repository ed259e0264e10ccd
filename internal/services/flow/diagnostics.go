package flow

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// Texts of the diagnostics that say why flows cannot be switched on and how
// to fix it. Kept apart from the CRUD code so unit tests can read them.

// missingFlowsDetail explains names that match no cloud flow.
func missingFlowsDetail(res resolution, all []dataverse.Workflow) string {
	var b strings.Builder
	if len(res.missing) > 0 {
		b.WriteString("No cloud flow has these names or unique names:\n")
		for _, n := range res.missing {
			fmt.Fprintf(&b, "  - %q\n", n)
		}
	}
	if len(res.ambiguous) > 0 {
		names := make([]string, 0, len(res.ambiguous))
		for n := range res.ambiguous {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "%q matches more than one cloud flow; use the unique name of the one you mean:\n", n)
			for _, w := range res.ambiguous[n] {
				fmt.Fprintf(&b, "  - %q (unique name %s, workflow id %s)\n", w.Name, w.UniqueName, w.ID)
			}
		}
	}
	for _, r := range res.repeats {
		fmt.Fprintf(&b, "%s; list each flow once.\n", r)
	}
	b.WriteString("\nNothing was switched on or off. The cloud flows in this environment are:\n")
	b.WriteString(describeFlows(all))
	b.WriteString("\n\nNames are matched by unique name, or by display name ignoring case, a trailing \"(Insider Preview)\" and the kind of dash. " +
		"If the co-sell connector solution is not installed yet, import it first.")
	return b.String()
}

// referencesDetail explains connection reference problems and shows the
// cosell_connection configuration that fixes them.
func referencesDetail(problems []refProblem, env string, switchedNothing bool) string {
	var b strings.Builder
	b.WriteString("These cloud flows use connection references that have no working connection:\n")
	for _, p := range problems {
		switch p.Kind {
		case refMissing:
			fmt.Fprintf(&b, "  - %q: connection reference %s does not exist in Dataverse (re-import or repair the co-sell connector solution)\n", p.Flow, p.Ref)
		case refConnectionGone:
			where := ""
			if env != "" {
				where = " in environment " + env
			}
			fmt.Fprintf(&b, "  - %q: connection reference %s is bound to connection %q, which does not exist%s\n", p.Flow, p.Ref, p.Connection, where)
		default:
			fmt.Fprintf(&b, "  - %q: connection reference %s has no connection\n", p.Flow, p.Ref)
		}
	}
	if switchedNothing {
		b.WriteString("Nothing was switched on.\n")
	}
	// Group the references to bind by connector.
	byAPI := map[string][]string{}
	seen := map[string]bool{}
	var unknownAPIs []string
	for _, p := range problems {
		if p.Kind == refMissing || seen[strings.ToLower(p.Ref)] {
			continue
		}
		seen[strings.ToLower(p.Ref)] = true
		if _, ok := connectorValues[p.API]; !ok {
			unknownAPIs = append(unknownAPIs, fmt.Sprintf("%s (%s)", p.Ref, p.API))
			continue
		}
		byAPI[p.API] = append(byAPI[p.API], p.Ref)
	}
	if len(byAPI) > 0 {
		b.WriteString("\nCreate a connection for each connector with cosell_connection, bind the references with " +
			"connection_reference_logical_names, and make this resource depend on the connections:\n\n")
		apis := make([]string, 0, len(byAPI))
		for a := range byAPI {
			apis = append(apis, a)
		}
		sort.Strings(apis)
		var deps []string
		for _, a := range apis {
			refs := byAPI[a]
			sort.Strings(refs)
			v := connectorValues[a]
			fmt.Fprintf(&b, "resource \"cosell_connection\" %q {\n", v)
			fmt.Fprintf(&b, "  connector    = %q\n", v)
			fmt.Fprintf(&b, "  display_name = %q\n", connectorTitles[a])
			if a == powerplatform.APIDataverse {
				b.WriteString("  # service_principal = { tenant_id = \"…\", client_id = \"…\", client_secret = var.dataverse_client_secret }\n")
			}
			b.WriteString("  connection_reference_logical_names = [\n")
			for _, r := range refs {
				fmt.Fprintf(&b, "    %q,\n", r)
			}
			b.WriteString("  ]\n}\n\n")
			deps = append(deps, "cosell_connection."+v)
		}
		fmt.Fprintf(&b, "resource \"cosell_flow_activation\" \"connector\" {\n  depends_on = [%s]\n}\n", strings.Join(deps, ", "))
		b.WriteString("\nPartner Center connections also need someone to sign in once in Power Automate (see cosell_connection); " +
			"a connection bound in the portal works as well.")
	}
	if len(unknownAPIs) > 0 {
		fmt.Fprintf(&b, "\nBind these references in Power Automate (cosell_connection does not manage their connectors): %s.", strings.Join(unknownAPIs, ", "))
	}
	return b.String()
}

// documentedOrderText numbers the documented order for messages.
func documentedOrderText() string {
	var b strings.Builder
	for i, n := range documentedOrder {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, n)
	}
	return strings.TrimRight(b.String(), "\n")
}

// childrenDetail explains child flows that would not be on before their
// callers.
func childrenDetail(problems []childProblem) string {
	var b strings.Builder
	for _, p := range problems {
		switch p.Kind {
		case childLater:
			fmt.Fprintf(&b, "  - %q (flows[%d]) calls the child flow %q, which is off and listed after it (flows[%d]): move %q before %q.\n",
				p.Flow, p.FlowPos, p.Child, p.ChildPos, p.Child, p.Flow)
		case childOrder:
			fmt.Fprintf(&b, "  - %q (flows[%d]) calls the child flow %q, which is listed after it (flows[%d]): move %q before %q.\n",
				p.Flow, p.FlowPos, p.Child, p.ChildPos, p.Child, p.Flow)
		case childUnlisted:
			fmt.Fprintf(&b, "  - %q (flows[%d]) calls the child flow %q, which is off and not in flows: add %q to flows before %q.\n",
				p.Flow, p.FlowPos, p.Child, p.Child, p.Flow)
		default:
			fmt.Fprintf(&b, "  - %q (flows[%d]) calls a child flow with workflow id %s, which does not exist: re-import the co-sell connector solution.\n",
				p.Flow, p.FlowPos, p.Child)
		}
	}
	b.WriteString("Nothing was switched on. A child flow must be on before a flow that calls it (Dataverse refuses otherwise with " +
		"ChildFlowNeverPublished). The documented turn-on order, used when flows is omitted, is:\n")
	b.WriteString(documentedOrderText())
	return b.String()
}

var quotedRE = regexp.MustCompile(`'([^']+)'`)

// referenceInMessage returns the connection reference logical name a flow
// service message names: the last '…' in it ("…logical name 'x'.",
// "…used by connection reference 'x'.").
func referenceInMessage(msg string) string {
	m := quotedRE.FindAllStringSubmatch(msg, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}
