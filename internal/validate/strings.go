// Package validate holds the plan-time validators shared by the provider's
// schemas. Each diagnostic names the attribute (the framework adds the path)
// and says how to fix the value.
package validate

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// stringFunc adapts a check returning a fix-it message ("" = valid) into a validator.String.
type stringFunc struct {
	desc  string
	check func(string) string
}

func (v stringFunc) Description(context.Context) string         { return v.desc }
func (v stringFunc) MarkdownDescription(context.Context) string { return v.desc }

func (v stringFunc) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), msg)
	}
}

// String builds a validator from a check that returns "" when the value is
// valid, or a message saying what is wrong and how to fix it.
func String(description string, check func(string) string) validator.String {
	return stringFunc{desc: description, check: check}
}

// HTTPSURL accepts an absolute https:// URL with a host.
func HTTPSURL() validator.String {
	return String("must be an absolute https:// URL", CheckHTTPSURL)
}

// CheckHTTPSURL is the check behind HTTPSURL, usable outside schemas.
func CheckHTTPSURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return fmt.Sprintf("%q is not an absolute URL; give the full address, e.g. https://contoso.crm.dynamics.com.", s)
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return fmt.Sprintf("%q uses %s; only https:// URLs are accepted. Change the scheme to https.", s, u.Scheme)
	}
	return ""
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsGUID reports whether s is a canonical GUID (8-4-4-4-12 hex digits).
func IsGUID(s string) bool { return guidRE.MatchString(s) }

// GUID accepts a canonical GUID.
func GUID() validator.String {
	return String("must be a GUID", func(s string) string {
		if IsGUID(s) {
			return ""
		}
		return fmt.Sprintf("%q is not a GUID; expected the form 00000000-0000-0000-0000-000000000000.", s)
	})
}

// RFC3339 accepts a timestamp such as 2026-10-01T00:00:00Z.
func RFC3339() validator.String {
	return String("must be an RFC 3339 timestamp", func(s string) string {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return fmt.Sprintf("%q is not an RFC 3339 timestamp; write it like 2026-10-01T00:00:00Z.", s)
		}
		return ""
	})
}
