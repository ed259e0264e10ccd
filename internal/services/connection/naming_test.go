package connection

import "testing"

func TestDeterministicName(t *testing.T) {
	const env = "00000000-0000-0000-0000-00000000E001"
	a := deterministicName(env, "shared_commondataserviceforapps", "Dataverse (co-sell)")
	if a != deterministicName("00000000-0000-0000-0000-00000000e001", "shared_commondataserviceforapps", "Dataverse (co-sell)") {
		t.Error("the environment id should compare without case")
	}
	if len(a) != 32 || checkName(a) != "" {
		t.Errorf("name %q is not a valid 32-hex connection name", a)
	}
	for _, other := range []string{
		deterministicName(env, "shared_partnercenterref", "Dataverse (co-sell)"),
		deterministicName(env, "shared_commondataserviceforapps", "Dataverse (co-sell) 2"),
		deterministicName("00000000-0000-0000-0000-00000000e002", "shared_commondataserviceforapps", "Dataverse (co-sell)"),
	} {
		if other == a {
			t.Errorf("different identities gave the same name %s", a)
		}
	}
	// Pinned: a change would rename the connections every existing
	// configuration re-creates after an interrupted apply.
	if a != "5228db69ff0a5b07b8c17d768fd9c740" {
		t.Errorf("not a stable UUIDv5: %s", a)
	}
}
