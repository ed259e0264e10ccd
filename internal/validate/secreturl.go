package validate

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// SecretHTTPSURL is HTTPSURL for Sensitive URLs (e.g. Power Automate trigger
// URLs, whose sig= query parameter is a secret): its messages never repeat
// the value, only its scheme.
func SecretHTTPSURL() validator.String {
	return String("must be an absolute https:// URL", CheckSecretHTTPSURL)
}

// CheckSecretHTTPSURL is the check behind SecretHTTPSURL.
func CheckSecretHTTPSURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "The value is not an absolute URL (the value is sensitive, so it is not shown). " +
			"Give the full https:// address, e.g. the HTTP POST URL of the flow's \"When a HTTP request is received\" trigger."
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return fmt.Sprintf("The URL uses %s://; only https:// URLs are accepted. Change the scheme to https "+
			"(Partner Center delivers events only over HTTPS).", strings.ToLower(u.Scheme))
	}
	return ""
}
