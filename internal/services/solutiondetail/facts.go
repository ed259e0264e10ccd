package solutiondetail

import (
	"regexp"
	"time"
)

// Facts and choices for cosell_solution_detail, in one place.
//
// The table. cosell-connector.md §2.3 documents a "Microsoft Solution
// Details" table with the form fields Solution Identifier (required),
// Solution Name (required), Type (e.g. 3P) and Publisher Name, but Microsoft
// publishes no logical names for it, and the one third-party export (§2.2)
// covers only opportunity columns. The names below are UNCONFIRMED: they
// follow the msft_ prefix of that export and the display names, and are the
// same names examples/modules/cosell-connector-schema creates (with its
// prefix variable) and the emulator installs. Change them here when the real
// solution is inspected; users override them with `table` and `columns`.
//
//   - Table logical name:        msft_solutiondetail (entity set msft_solutiondetails)
//   - Solution Identifier:       <prefix>_solutionidentifier
//   - Solution Name:             <prefix>_name (the primary name column)
//   - Type:                      <prefix>_solutiontype
//   - Publisher Name:            <prefix>_publishername
//
// Column defaults follow the table's publisher prefix (the part of its
// logical name before the first "_"), so a catalogue created by the module
// with prefix "contoso" needs only table = "contoso_solutiondetail".
//
// Solution ids (partner-center-api.md §1 and §2): co-sell solutions have ids
// like SOL-15974-MQF (samples: SOL-22010-XYZ, SOL-31337-ABC): "SOL-", digits,
// "-", three upper-case letters or digits. Microsoft solutions have GUID ids.
// Both are accepted; the case is significant (the samples are upper case and
// Partner Center echoes ids verbatim), so "sol-…" is rejected with a hint.
//
// Type: the connector's form shows "3P" (third-party, i.e. partner co-sell
// solutions) and Partner Center's solutionType carries the same code; "1P"
// (Microsoft first-party) is the natural code for Microsoft solutions but is
// not documented. The column is free text, so any trimmed text of 1 to 100
// characters is accepted; the documentation names 3P and 1P.
//
// Uniqueness: Dataverse does not enforce one row per solution id (no
// alternate key is documented), so create looks for a row with the same
// Solution Identifier first and refuses to add a second one. The lookup and
// the insert are not atomic; two concurrent applies could still both insert.
//
// Import ids: "<table>/<record id>" or "<table>/<solution id>". A GUID after
// the slash is first tried as the record id, then as a (Microsoft) solution id.
//
// The entity set and primary key column are read from the table's metadata
// (EntitySetName, PrimaryIdAttribute) instead of being derived from the name.
const (
	defaultTable           = "msft_solutiondetail"
	suffixSolutionID       = "_solutionidentifier"
	suffixName             = "_name"
	suffixType             = "_solutiontype"
	suffixPublisherName    = "_publishername"
	maxTypeLength          = 100
	defaultCreateTimeout   = 5 * time.Minute
	defaultReadTimeout     = 5 * time.Minute
	defaultUpdateTimeout   = 5 * time.Minute
	defaultDeleteTimeout   = 5 * time.Minute
	exampleCosellID        = "SOL-15974-MQF"
	exampleMicrosoftSolnID = "a3c5e2f1-7b9d-4e8a-9c01-23456789abcd"
)

var (
	cosellIDRE = regexp.MustCompile(`^SOL-[0-9]+-[A-Z0-9]{3}$`)
	// logicalNameRE: a custom table's logical name (lower-cased schema name).
	logicalNameRE = regexp.MustCompile(`^[a-z][a-z0-9]{1,7}_[a-z0-9_]+$`)
)
