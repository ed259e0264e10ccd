package receiver

import (
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

// Config is the receiver's own settings. Every one is a flag with an
// environment twin (the table in settings); the provider's credentials and
// endpoints and the sync's options are read by the command through the
// provider's and the engine's own definitions.
type Config struct {
	Listen           string
	Path             string
	TLSCertFile      string
	TLSKeyFile       string
	QueueSize        int
	Concurrency      int
	BatchSize        int
	SweepInterval    time.Duration
	ReplayWindow     time.Duration
	CoalesceWindow   time.Duration
	DrainTimeout     time.Duration
	CertificateHosts []string
	// CertificateRootsFile is a PEM file of roots (and intermediates) for the
	// dispatch certificate's chain; empty: the system roots.
	CertificateRootsFile string
	LogFormat            string // json | text
	LogLevel             string // debug | info | warn | error

	// Loaded from CertificateRootsFile by Load.
	CertificateRoots, CertificateIntermediates *x509.CertPool
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Listen: DefaultListen, Path: DefaultPath, QueueSize: DefaultQueueSize, Concurrency: DefaultConcurrency, BatchSize: DefaultBatchSize,
		SweepInterval: DefaultSweepInterval, ReplayWindow: DefaultReplayWindow, CoalesceWindow: DefaultCoalesceWindow,
		DrainTimeout: DefaultDrainTimeout, CertificateHosts: []string{partnercenter.CertificateHost},
		LogFormat: "json", LogLevel: "info",
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Listen == "" {
		c.Listen = d.Listen
	}
	if c.Path == "" {
		c.Path = d.Path
	}
	if c.QueueSize == 0 {
		c.QueueSize = d.QueueSize
	}
	if c.Concurrency == 0 {
		c.Concurrency = d.Concurrency
	}
	if c.BatchSize == 0 {
		c.BatchSize = d.BatchSize
	}
	if c.SweepInterval == 0 {
		c.SweepInterval = d.SweepInterval
	}
	if c.ReplayWindow == 0 {
		c.ReplayWindow = d.ReplayWindow
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = d.DrainTimeout
	}
	if len(c.CertificateHosts) == 0 {
		c.CertificateHosts = d.CertificateHosts
	}
	return c
}

// setting is one flag and its environment twin.
type setting struct {
	flag, env, usage string
	set              func(c *Config, v string) error
	get              func(c Config) string
}

// settings is THE table of the receiver's own settings.
var settings = []setting{
	{"listen", "COSELL_RECEIVER_LISTEN", "address to listen on (host:port)",
		func(c *Config, v string) error { c.Listen = v; return nil }, func(c Config) string { return c.Listen }},
	{"path", "COSELL_RECEIVER_PATH", "URL path of the callback (the path of the registered webhook URL)",
		func(c *Config, v string) error { c.Path = v; return nil }, func(c Config) string { return c.Path }},
	{"tls-cert", "COSELL_RECEIVER_TLS_CERT", "PEM certificate file to serve HTTPS (optional: most deployments terminate TLS at a load balancer)",
		func(c *Config, v string) error { c.TLSCertFile = v; return nil }, func(c Config) string { return c.TLSCertFile }},
	{"tls-key", "COSELL_RECEIVER_TLS_KEY", "PEM private key file of tls-cert",
		func(c *Config, v string) error { c.TLSKeyFile = v; return nil }, func(c Config) string { return c.TLSKeyFile }},
	{"queue-size", "COSELL_RECEIVER_QUEUE_SIZE", "referrals that may wait to be reconciled; beyond it callbacks get 503 + Retry-After",
		intSetter(func(c *Config) *int { return &c.QueueSize }, 1, 1_000_000), func(c Config) string { return strconv.Itoa(c.QueueSize) }},
	{"batch-size", "COSELL_RECEIVER_BATCH_SIZE", "most referrals one reconcile covers: referrals that became due together are read and written in one pass",
		intSetter(func(c *Config) *int { return &c.BatchSize }, 1, MaxBatchSize), func(c Config) string { return strconv.Itoa(c.BatchSize) }},
	{"sweep-interval", "COSELL_RECEIVER_SWEEP_INTERVAL", "time between incremental sweeps (one also runs at start-up)",
		durationSetter(func(c *Config) *time.Duration { return &c.SweepInterval }, time.Second), func(c Config) string { return c.SweepInterval.String() }},
	{"replay-window", "COSELL_RECEIVER_REPLAY_WINDOW", "events whose ResourceChangeUtcDate is older than this are refused",
		durationSetter(func(c *Config) *time.Duration { return &c.ReplayWindow }, time.Minute), func(c Config) string { return c.ReplayWindow.String() }},
	{"coalesce-window", "COSELL_RECEIVER_COALESCE_WINDOW", "how long a referral's first event waits for more before its reconcile starts",
		durationSetter(func(c *Config) *time.Duration { return &c.CoalesceWindow }, 0), func(c Config) string { return c.CoalesceWindow.String() }},
	{"drain-timeout", "COSELL_RECEIVER_DRAIN_TIMEOUT", "on SIGTERM, how long the queue may take to drain",
		durationSetter(func(c *Config) *time.Duration { return &c.DrainTimeout }, time.Second), func(c Config) string { return c.DrainTimeout.String() }},
	{"certificate-hosts", "COSELL_RECEIVER_CERTIFICATE_HOSTS", "comma-separated hosts (host or host:port) the X-MS-Certificate-Url may name; the default is Microsoft's, add the emulator's webhooks host only to test against it",
		func(c *Config, v string) error {
			var hosts []string
			for _, h := range strings.Split(v, ",") {
				if h = strings.TrimSpace(h); h != "" {
					if strings.ContainsAny(h, "/@ ") {
						return fmt.Errorf("%q is not a host or host:port", h)
					}
					hosts = append(hosts, h)
				}
			}
			if len(hosts) == 0 {
				return errors.New("no host in it")
			}
			c.CertificateHosts = hosts
			return nil
		}, func(c Config) string { return strings.Join(c.CertificateHosts, ",") }},
	{"certificate-roots", "COSELL_RECEIVER_CERTIFICATE_ROOTS", "PEM file of the roots (and intermediates) the signing certificate must chain to; default: the system roots",
		func(c *Config, v string) error { c.CertificateRootsFile = v; return nil }, func(c Config) string { return c.CertificateRootsFile }},
	{"log-format", "COSELL_RECEIVER_LOG_FORMAT", "json or text",
		oneOf(func(c *Config) *string { return &c.LogFormat }, "json", "text"), func(c Config) string { return c.LogFormat }},
	{"log-level", "COSELL_RECEIVER_LOG_LEVEL", "debug, info, warn or error",
		oneOf(func(c *Config) *string { return &c.LogLevel }, "debug", "info", "warn", "error"), func(c Config) string { return c.LogLevel }},
}

// settingHint names a setting the way error messages show it.
func settingHint(flagName string) string {
	for _, s := range settings {
		if s.flag == flagName {
			return "-" + s.flag + " / " + s.env
		}
	}
	return flagName
}

func intSetter(field func(*Config) *int, lo, hi int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%q is not a whole number between %d and %d", v, lo, hi)
		}
		*field(c) = n
		return nil
	}
}

func durationSetter(field func(*Config) *time.Duration, lo time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < lo {
			return fmt.Errorf("%q is not a duration of at least %s (e.g. 90s, 15m)", v, lo)
		}
		*field(c) = d
		return nil
	}
}

func oneOf(field func(*Config) *string, vals ...string) func(*Config, string) error {
	return func(c *Config, v string) error {
		v = strings.ToLower(strings.TrimSpace(v))
		for _, ok := range vals {
			if v == ok {
				*field(c) = v
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(vals, ", "))
	}
}

// flagValue adapts a setting to flag.Value.
type flagValue struct {
	c *Config
	s setting
}

func (f flagValue) String() string {
	if f.c == nil {
		return ""
	}
	return f.s.get(*f.c)
}
func (f flagValue) Set(v string) error { return f.s.set(f.c, v) }

// Load reads the settings: defaults, then the environment twins, then the
// flags. A malformed value stops with a message naming the flag or the
// variable; the TLS pair and the roots file are checked here too.
func Load(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	c := DefaultConfig()
	for _, s := range settings {
		if v := getenv(s.env); strings.TrimSpace(v) != "" {
			if err := s.set(&c, v); err != nil {
				return c, fmt.Errorf("%s: %v", s.env, err)
			}
		}
	}
	fs := flag.NewFlagSet("webhook-receiver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range settings {
		fs.Var(flagValue{&c, s}, s.flag, s.usage+" (env "+s.env+")")
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: terraform-provider-cosell webhook-receiver [flags]\n\n"+
			"Receives Partner Center's signed referral events and reconciles each referral with the sync engine.\n"+
			"Credentials and endpoints come from the provider's COSELL_*/ARM_* variables, sync options from COSELL_SYNC_*.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (settings are flags or COSELL_RECEIVER_* variables)", fs.Arg(0))
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	if c.CertificateRootsFile != "" {
		b, err := os.ReadFile(c.CertificateRootsFile)
		if err != nil {
			return c, fmt.Errorf("%s: %w", settingHint("certificate-roots"), err)
		}
		if c.CertificateRoots, c.CertificateIntermediates, err = LoadRoots(b); err != nil {
			return c, fmt.Errorf("%s: %s: %w", settingHint("certificate-roots"), c.CertificateRootsFile, err)
		}
	}
	return c, nil
}

// Validate checks what a single setting's parser cannot.
func (c Config) Validate() error {
	var errs []error
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		errs = append(errs, fmt.Errorf("%s and %s: set both or neither", settingHint("tls-cert"), settingHint("tls-key")))
	}
	if !strings.HasPrefix(c.Path, "/") || strings.HasSuffix(c.Path, "/") || strings.ContainsAny(c.Path, "{}? ") ||
		c.Path == "/healthz" || c.Path == "/readyz" || c.Path == "/metrics" {
		errs = append(errs, fmt.Errorf("%s: %q must start with / and not end with one, and not be /healthz, /readyz or /metrics", settingHint("path"), c.Path))
	}
	if c.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("concurrency %d must be at least 1", c.Concurrency))
	}
	if c.QueueSize < 1 {
		errs = append(errs, fmt.Errorf("%s: %d must be at least 1", settingHint("queue-size"), c.QueueSize))
	}
	return errors.Join(errs...)
}

// Usage lists the settings (for the guide and -h).
func Usage() []string {
	out := make([]string, 0, len(settings))
	d := DefaultConfig()
	for _, s := range settings {
		out = append(out, fmt.Sprintf("-%s / %s (default %q): %s", s.flag, s.env, s.get(d), s.usage))
	}
	return out
}
