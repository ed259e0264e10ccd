package conns

import (
	"path/filepath"
	"strings"
	"testing"
)

// Errors about the certificate name the attribute and its environment
// variables, as every configuration error of the provider does.
func TestLoadCertificateErrorsNameAttributeAndVariables(t *testing.T) {
	_, err := LoadCertificate("not base64!", "")
	if err == nil || !strings.Contains(err.Error(), "client_certificate (COSELL_CLIENT_CERTIFICATE or ARM_CLIENT_CERTIFICATE)") {
		t.Errorf("inline: %v", err)
	}
	_, err = LoadCertificate("", filepath.Join(t.TempDir(), "missing.pem"))
	if err == nil || !strings.Contains(err.Error(), "client_certificate_path (COSELL_CLIENT_CERTIFICATE_PATH or ARM_CLIENT_CERTIFICATE_PATH)") {
		t.Errorf("path: %v", err)
	}
}
