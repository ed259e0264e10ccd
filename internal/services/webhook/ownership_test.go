package webhook

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

const otherURL = "https://other-tool.example.net/api/hook?code=abc&sig=OtherToolSecret"

func reg(url string, events ...string) *partnercenter.Registration {
	return &partnercenter.Registration{WebhookURL: url, WebhookEvents: events}
}

func TestDecideWrite(t *testing.T) {
	mine := hookURL
	for _, tc := range []struct {
		name      string
		cur       *partnercenter.Registration
		owned     string
		overwrite bool
		want      writeAction
	}{
		{"none", nil, "", false, actionPost},
		{"same url adopts", reg(mine, "referral-created"), "", false, actionPut},
		{"another url", reg(otherURL), "", false, actionConflict},
		{"another url, overwrite", reg(otherURL), "", true, actionPut},
		{"our previous url (user changed url)", reg("https://old.example/hook"), urlHash("https://old.example/hook"), false, actionPut},
		{"taken by another tool after us", reg(otherURL), urlHash(mine), false, actionConflict},
		{"taken, overwrite", reg(otherURL), urlHash(mine), true, actionPut},
	} {
		if got := decideWrite(tc.cur, mine, tc.owned, tc.overwrite); got != tc.want {
			t.Errorf("%s: decideWrite = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestIsOurs(t *testing.T) {
	if !isOurs(reg(hookURL), urlHash(hookURL), "ignored") {
		t.Error("the owned hash should decide")
	}
	if isOurs(reg(otherURL), urlHash(hookURL), otherURL) {
		t.Error("a refreshed state URL must not make another tool's registration ours")
	}
	if !isOurs(reg(hookURL), "", hookURL) || isOurs(reg(otherURL), "", hookURL) || isOurs(nil, "", hookURL) {
		t.Error("fallback to the state URL")
	}
}

func TestConflictDetailNamesOnlyTheHost(t *testing.T) {
	for _, onCreate := range []bool{true, false} {
		d := conflictDetail(reg(otherURL), "00000000-0000-4000-8000-00000000c0de", onCreate)
		for _, want := range []string{"other-tool.example.net", "overwrite = true", "Nothing was changed"} {
			if !strings.Contains(d, want) {
				t.Errorf("onCreate=%v: %q lacks %q", onCreate, d, want)
			}
		}
		if strings.Contains(d, "OtherToolSecret") || strings.Contains(d, "/api/hook") {
			t.Errorf("onCreate=%v: detail leaks the URL: %q", onCreate, d)
		}
		if onCreate && !strings.Contains(d, "terraform import <resource address> 00000000-0000-4000-8000-00000000c0de") {
			t.Errorf("create detail should show the import command: %q", d)
		}
	}
}

func TestWriteRegistration(t *testing.T) {
	ctx := context.Background()
	want := partnercenter.Registration{WebhookURL: hookURL, WebhookEvents: partnercenter.ReferralEvents()}

	f := &fakeAPI{}
	if out, act, _, err := writeRegistration(ctx, f, want, "", false); err != nil || act != actionPost || out.SubscriberID != "tenant-sub" {
		t.Fatalf("none: act=%v out=%+v err=%v", act, out, err)
	}

	f = &fakeAPI{reg: reg(hookURL, "test-created")}
	if _, act, _, err := writeRegistration(ctx, f, want, "", false); err != nil || act != actionPut || !sameEvents(f.reg.WebhookEvents, want.WebhookEvents) {
		t.Fatalf("adopt: act=%v err=%v reg=%+v", act, err, f.reg)
	}

	f = &fakeAPI{reg: reg(otherURL, "referral-created")}
	_, act, cur, err := writeRegistration(ctx, f, want, "", false)
	if err != nil || act != actionConflict || cur.WebhookURL != otherURL || len(f.writes()) != 0 {
		t.Fatalf("conflict: act=%v err=%v writes=%v", act, err, f.writes())
	}

	// Another creator wins the race between our GET and POST: decide again.
	f = &fakeAPI{onPost: func(f *fakeAPI) { f.reg = reg(hookURL, "referral-created") }}
	if _, act, _, err := writeRegistration(ctx, f, want, "", false); err != nil || act != actionPut {
		t.Fatalf("race: act=%v err=%v calls=%v", act, err, f.calls)
	}
	if !slices.Equal(f.calls, []string{"GET", "POST", "GET", "PUT"}) {
		t.Errorf("race calls = %v", f.calls)
	}

	f = &fakeAPI{reg: reg(hookURL), putErrs: []error{pcErr(500)}}
	if _, _, _, err := writeRegistration(ctx, f, want, "", false); err == nil {
		t.Fatal("a failed PUT must be reported")
	}
}
