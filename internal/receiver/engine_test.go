package receiver

import (
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

func TestSyncOptionsFromEnvUseTheEngineDefinition(t *testing.T) {
	o, err := SyncOptionsFromEnv(env(map[string]string{
		"COSELL_SYNC_DIRECTION": "to_dynamics", "COSELL_SYNC_STATUSES": "New, Active",
		"COSELL_SYNC_INCLUDE_LEADS": "false", "COSELL_SYNC_MAX_PARALLELISM": "8",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if o.Direction != sync.DirectionToDynamics || strings.Join(o.Statuses, ",") != "New,Active" || o.IncludeLeads ||
		o.MaxParallelism != 8 || o.ConflictPolicy != sync.PolicyPartnerCenterWins || o.SnapshotColumn != sync.DefaultSnapshotColumn {
		t.Fatalf("options %+v", o)
	}
	_, err = SyncOptionsFromEnv(env(map[string]string{"COSELL_SYNC_CONFLICT_POLICY": "me_wins", "COSELL_SYNC_STATUSES": "Open",
		"COSELL_SYNC_UPDATED_SINCE": "yesterday", "COSELL_SYNC_INCLUDE_LEADS": "maybe"}))
	for _, want := range []string{"COSELL_SYNC_CONFLICT_POLICY", "COSELL_SYNC_STATUSES", "COSELL_SYNC_UPDATED_SINCE", "COSELL_SYNC_INCLUDE_LEADS"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}
