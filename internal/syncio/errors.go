package syncio

import "fmt"

// MissingColumnError is a column the engine asked for that the table does not
// have: usually a connector variable naming a column that does not exist, or
// the snapshot column not created yet. Callers that know which setting named
// the column (cosell_sync: snapshot_column) add the fix.
type MissingColumnError struct {
	Table, Column string
}

func (e *MissingColumnError) Error() string {
	return fmt.Sprintf("table %s has no column %q (check the connector's environment variables, e.g. the deal value, "+
		"country and currency field names, and the sync's snapshot column)", e.Table, e.Column)
}
