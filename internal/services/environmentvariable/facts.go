// Package environmentvariable holds cosell_environment_variable: the current
// value of a Dataverse environment variable (and, optionally, its
// definition), and the data source of the same name.
package environmentvariable

// Choices made where dataverse-api.md §4 and cosell-connector.md §3 leave
// the behaviour open. Change the line here when a live answer is known.
//
//  1. Value format by type. Yes/No values are exactly "yes" or "no" (the form
//     Dataverse stores and the maker portal writes); "true", "Yes" or "1" are
//     refused rather than translated, so state always equals what Dataverse
//     holds. A Number is a decimal number: optional "-", digits, optional
//     fraction, optional exponent (the JSON number grammar, leading zeros
//     allowed). JSON must parse (encoding/json). Every value is at most 2000
//     characters, counted in Unicode code points (the value column is
//     Memo 2000).
//
//  2. Data Source variables (type 100000004) are accepted on existing
//     definitions (type "data_source") and their value is taken as text —
//     it is a site URL, list id or similar that Dataverse stores as a plain
//     string. The definition block cannot create them: such definitions need
//     a connection reference and parameter key, which the co-sell connector
//     does not use.
//
//  3. Secret variables (type 100000005) are refused at plan time, in the
//     resource and when the definition block asks for one: a value record of
//     a secret variable would put a Key Vault reference (or, with the
//     Dataverse secret store, the secret) into state. The data source reads a
//     secret's definition but leaves current_value and effective_value null.
//
//  4. A value is never empty: to fall back to the default value, remove the
//     resource (which deletes the value record it created).
//
//  5. Ownership is kept in private state ("origin"): whether this resource
//     created the definition and/or the value record, and the value (and
//     definition fields) that were there before it adopted existing ones.
//     Destroy deletes what it created and restores what it adopted. An
//     imported variable counts as adopted at its value at import time.
//     Removing the definition block releases the definition: it stays as it
//     is and is no longer deleted on destroy.
//
//  6. A missing value record makes the resource disappear (plan re-creates
//     it) — unless this resource created the definition, in which case the
//     resource stays and the plan shows an update that writes the value
//     again; otherwise re-creating would adopt the definition and lose the
//     knowledge that destroy must delete it. Deleting such a definition
//     makes the resource disappear.
//
//  7. A definition block on a schema name that already exists adopts the
//     definition (its display name, description, default value and
//     is_required are then managed) when its type matches; a type mismatch
//     is reported at apply before any write, because during a replacement
//     the old definition still exists when the new one is planned.
//
//  8. A missing definition without a definition block is reported at apply
//     (before any write), not at plan, because the solution that installs it
//     may be imported in the same run. The message lists up to five existing
//     schema names ranked by closeness (closestNames).
//
//  9. More than one value record for a definition is an error naming the
//     records; the provider does not pick one. Two resources of one
//     configuration for one schema name (in any letter case) are refused at
//     plan, and again before the first write (framework claims), so they
//     cannot race into two records.
//
// 10. Schema names compare without case (framework.Name): Dataverse's
//     spelling never replaces the configured one in state.
//
// 11. A value update is sent with If-Match (the ETag read just before): a
//     412 means someone wrote meanwhile; the record is read again and, if it
//     still holds another value, written again, at most maxValueWrites times,
//     then the error names the value found and says to find the other writer.
//
// 12. An existing value record found by create is adopted (destroy writes
//     its value back, §5): setting the current value of an installed
//     variable is what the resource is for, and nothing is lost. Importing a
//     variable without a value record fails with how to adopt it instead
//     (create the resource with the value).
