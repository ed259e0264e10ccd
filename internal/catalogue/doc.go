// Package catalogue holds the bad-input catalogue (issue 7): one table of
// mistakes a user can make — in the provider configuration, in each resource
// and data source, in cosell_sync's options and in the synced data itself —
// each with the diagnostic it gets. The table lives in bad_input_test.go and
// runs through the real CLI against the emulator; a plan-time row must also
// leave every Partner Center, Dataverse and Power Platform write counter
// untouched. The package has no code of its own.
package catalogue
