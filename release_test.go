package main

// The release configuration is checked here because goreleaser itself cannot be
// built from this machine's module proxy (no approved release is served). The
// checks are the registry's publishing rules: what it downloads, by which names,
// and what it verifies.

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

type goreleaserConfig struct {
	Version int `yaml:"version"`
	Builds  []struct {
		Env     []string `yaml:"env"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Binary  string   `yaml:"binary"`
	} `yaml:"builds"`
	Archives []struct {
		Formats      []string `yaml:"formats"`
		NameTemplate string   `yaml:"name_template"`
	} `yaml:"archives"`
	Checksum struct {
		ExtraFiles   []extraFile `yaml:"extra_files"`
		NameTemplate string      `yaml:"name_template"`
		Algorithm    string      `yaml:"algorithm"`
	} `yaml:"checksum"`
	Signs []struct {
		Artifacts string   `yaml:"artifacts"`
		Args      []string `yaml:"args"`
	} `yaml:"signs"`
	Release struct {
		ExtraFiles []extraFile `yaml:"extra_files"`
	} `yaml:"release"`
}

type extraFile struct {
	Glob         string `yaml:"glob"`
	NameTemplate string `yaml:"name_template"`
}

// release is what goreleaser's templates see, for the names the registry expects.
type release struct{ ProjectName, Version, Os, Arch string }

func render(t *testing.T, tmpl string, r release) string {
	t.Helper()
	var b bytes.Buffer
	if err := template.Must(template.New("").Parse(tmpl)).Execute(&b, r); err != nil {
		t.Fatalf("template %q: %v", tmpl, err)
	}
	return b.String()
}

func TestGoreleaserConfigMeetsRegistryRules(t *testing.T) {
	raw, err := os.ReadFile(".goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg goreleaserConfig
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf(".goreleaser.yml does not parse: %v", err)
	}
	if cfg.Version != 2 {
		t.Errorf("version = %d, want 2 (goreleaser v2 schema)", cfg.Version)
	}
	r := release{ProjectName: "terraform-provider-cosell", Version: "1.2.3", Os: "linux", Arch: "amd64"}

	if len(cfg.Builds) != 1 {
		t.Fatalf("want one build, got %d", len(cfg.Builds))
	}
	b := cfg.Builds[0]
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Error("builds must set CGO_ENABLED=0: the registry serves static binaries")
	}
	if got := render(t, b.Binary, r); got != "terraform-provider-cosell_v1.2.3" {
		t.Errorf("binary = %q, want terraform-provider-cosell_v1.2.3 (the CLI looks for terraform-provider-<name>_v<version>)", got)
	}
	if !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version={{ .Version }}") {
		t.Errorf("ldflags %q must set main.version, which main.go serves", b.Ldflags)
	}
	_ = version // the variable the ldflags set must exist in package main
	for _, goos := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(b.Goos, goos) {
			t.Errorf("goos lacks %s", goos)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(b.Goarch, arch) {
			t.Errorf("goarch lacks %s", arch)
		}
	}

	if len(cfg.Archives) != 1 || !slices.Equal(cfg.Archives[0].Formats, []string{"zip"}) {
		t.Errorf("archives must be zip only (the registry downloads zip): %+v", cfg.Archives)
	} else if got := render(t, cfg.Archives[0].NameTemplate, r); got != "terraform-provider-cosell_1.2.3_linux_amd64" {
		t.Errorf("archive name = %q, want terraform-provider-cosell_1.2.3_linux_amd64", got)
	}

	if got := render(t, cfg.Checksum.NameTemplate, r); got != "terraform-provider-cosell_1.2.3_SHA256SUMS" || cfg.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum = %q (%s), want terraform-provider-cosell_1.2.3_SHA256SUMS with sha256", got, cfg.Checksum.Algorithm)
	}
	wantManifest := "terraform-provider-cosell_1.2.3_manifest.json"
	for what, files := range map[string][]extraFile{"checksum": cfg.Checksum.ExtraFiles, "release": cfg.Release.ExtraFiles} {
		if !slices.ContainsFunc(files, func(f extraFile) bool {
			return f.Glob == "terraform-registry-manifest.json" && render(t, f.NameTemplate, r) == wantManifest
		}) {
			t.Errorf("%s extra_files must ship terraform-registry-manifest.json as %s", what, wantManifest)
		}
	}

	if len(cfg.Signs) != 1 || cfg.Signs[0].Artifacts != "checksum" || !slices.Contains(cfg.Signs[0].Args, "--detach-sign") {
		t.Errorf("signs must detach-sign the checksum file (the registry verifies SHA256SUMS.sig): %+v", cfg.Signs)
	}
}

func TestRegistryManifestMatchesProtocol(t *testing.T) {
	raw, err := os.ReadFile("terraform-registry-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("terraform-registry-manifest.json: %v", err)
	}
	// main.go serves with providerserver.Serve, which speaks protocol 6.
	if m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
		t.Errorf("manifest = %+v, want version 1 and protocol_versions [6.0]", m)
	}
}
