package crmfield

// Choices for cosell_crm_field where dataverse-api.md §3 is silent or marks a
// behaviour unconfirmed, in one place. Change the line here (and the schema
// description that repeats it) when a live answer is known.
//
//  1. Money precision: `precision` unset means PrecisionSource 2 (currency
//     precision), as in the reference's MoneyAttributeMetadata example; a set
//     `precision` (0..4) sends PrecisionSource 0 with that Precision. A column
//     read back with PrecisionSource 1 (organization pricing precision) shows
//     `precision = null` like the currency case.
//
//  2. Dates: `date` is Format DateOnly with DateTimeBehavior DateOnly (no time
//     zone conversion, the behaviour Microsoft recommends for calendar dates such
//     as opportunity.estimatedclosedate); `datetime` is Format DateAndTime with
//     DateTimeBehavior UserLocal (stored in UTC, shown in the user's time zone).
//     Read maps Format DateOnly → date, anything else → datetime.
//
//  3. Type defaults are Dataverse's own: string MaxLength 100 and Format Text,
//     memo MaxLength 2000, boolean labels Yes/No and default No, decimal
//     precision 2, ranges integer ±int32, decimal ±100,000,000,000, money
//     ±922,337,203,685,477. They are planned when the attribute is left out, so
//     a change made in the maker portal shows as drift.
//
//  4. Choice option values are required (never derived from the publisher's
//     option value prefix) so they stay stable across environments. Labels are
//     unique case-insensitively. Removing an option from `options` calls
//     DeleteOptionValue: the option is gone, rows that held it keep the bare
//     number (Dataverse does not rewrite data). Options are applied in this
//     order: InsertOptionValue and UpdateOptionValue (MergeLabels true), then
//     the column PUT (so a new default_option exists), then DeleteOptionValue.
//     Boolean labels change through UpdateOptionValue with Value 1 / 0.
//
//  5. In place (GET full definition → edit → PUT with MSCRM.MergeLabels: true):
//     display_name, description, required_level, max_length, format,
//     default_value, default_option, precision, min_value, max_value. A cleared
//     description is sent as an empty English label. Replaced: type, table,
//     schema_name, solution_unique_name, target_table,
//     relationship_schema_name (a replaced column loses its data).
//
//  6. Lookups: the 1:N relationship is created with POST /RelationshipDefinitions
//     from target_table (referenced) to table (referencing) with the Learn
//     example's referential cascade (Delete RemoveLink, all others NoCascade) and
//     AssociatedMenuConfiguration UseCollectionName / Details / 10000. The
//     default relationship schema name is <prefix>_<target_table>_<table>_<Name>
//     where schema_name is <prefix>_<Name>. Before any write, create GETs
//     EntityDefinitions(LogicalName='<target_table>') and fails if it is absent.
//     Read and delete find the relationship through the table's
//     ManyToOneRelationships filtered on ReferencingAttribute; delete removes
//     the relationship by MetadataId (which removes the lookup column).
//     Publishing after a lookup change publishes both tables.
//
//  7. solution_unique_name is only sent (MSCRM.SolutionUniqueName on create,
//     SolutionUniqueName on option actions); it is not read back, so an import
//     leaves it null.
//
//  8. Publisher prefixes are lower case: Dataverse stores customization
//     prefixes in lower case and the emulator rejects "Contoso_X", so a prefix
//     with capitals is refused at plan time (validate.SchemaName alone accepts
//     it).
//
//  9. Metadata writes on one table are serialised inside the provider process
//     (one mutex per table logical name): Dataverse runs one customization
//     per table at a time, and Terraform creates sibling columns in parallel.
//     The publish that follows is made after the mutex is released, through
//     the client's group commit (dataverse facts.go §15): columns of one
//     table written at the same time share one PublishXml, and each
//     operation still returns only after a publish that started after its
//     write has covered its tables.
//
// 10. Attribute schema names are at most 50 characters (the brief); relationship
//     schema names at most 100 [U].
//
// 11. Names are case-insensitive in Dataverse (schema names, relationship and
//     solution unique names): framework.Name keeps the configured spelling in
//     state and framework.RequiresReplaceIfRenamed never replaces over case.
//     solution_unique_name is not read back, so a null prior (import, or a
//     column created without it) never replaces: the first apply records it
//     and writes nothing (update skips the publish when nothing was written).
//
// 12. Create checks before any write that the table exists (GET
//     EntityDefinitions) and that the column does not (uncast GET of the
//     attribute). An existing column is never adopted: Dataverse keeps no
//     mark of who created a column, so the provider cannot prove it is the
//     orphan of its own earlier create (a killed apply) rather than the
//     connector's or a hand-made one; the error prints the import block
//     (<table>/<logical name>) instead. A create that still meets 0x80044363
//     ("… is not unique", created meanwhile, or a relationship name in use)
//     is explained the same way, never shown raw.
