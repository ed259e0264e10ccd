package crmtable

import "time"

// Choices for cosell_crm_table where dataverse-api.md §3 is silent or marks
// a behaviour unconfirmed, in one place.
//
//  1. Labels are written in English (LCID 1033) only and read back in 1033
//     (falling back to the user's label). Updates send MSCRM.MergeLabels: true
//     so labels in other languages, added in the maker portal, survive.
//  2. The primary name column is created with RequiredLevel None and
//     FormatName Text, as in the create-table example of the reference;
//     dataverse.NewTable sets IsPrimaryName. Its schema name must carry the
//     table's publisher prefix (both belong to one solution publisher).
//  3. Customisations are published (PublishXml of the table) after create and
//     after update. Delete is not followed by a publish: the table is gone and
//     PublishXml would name a table that no longer exists. The metadata write
//     holds the table's lock (shared with cosell_crm_field); the publish is
//     made after the lock is released, through the client's group commit
//     (dataverse facts.go §15), so it may share one PublishXml with columns
//     of the table written at the same time.
//  4. "ownership" maps user ↔ UserOwned and organization ↔ OrganizationOwned.
//     An imported table with another OwnershipType (TeamOwned, …) is shown
//     with that raw value, so a configuration naming user/organization plans
//     a replacement instead of silently pretending they match.
//  5. A description cleared in configuration is written as an empty 1033
//     label (with MergeLabels an absent label would keep the old text); an
//     empty label reads back as null.
//  6. MSCRM.SolutionUniqueName is sent on create only. Dataverse does not
//     report which solution a table was created in, so solution_unique_name
//     is kept from configuration and is null after import.
//  7. Default timeouts: metadata writes take seconds to a minute on real
//     organisations (create also provisions the table), hence the margins.
//
//  8. Like cosell_crm_field (its facts.go §11–§12): names compare without
//     case, solution_unique_name never replaces after an import, and create
//     GETs the table first and stops with the import block when it exists
//     (no mark on a table proves it is our own orphan). A failed publish
//     after the create leaves the table in state tainted; the error says the
//     next apply re-creates it (it has no rows yet) or how to untaint it.

// Ownership values of the schema and their OwnershipType on the wire.
var ownershipToWire = map[string]string{
	"user":         "UserOwned",
	"organization": "OrganizationOwned",
}

const (
	defaultOwnership     = "user"
	defaultPrimaryMaxLen = 100
	minPrimaryMaxLen     = 1
	maxPrimaryMaxLen     = 4000
	maxSchemaNameLength  = 50
	defaultCreateTimeout = 20 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 20 * time.Minute
	defaultDeleteTimeout = 20 * time.Minute
)
