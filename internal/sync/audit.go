package sync

import (
	"strings"
	"time"
)

// Audit lines follow the connector's observed format
// ("2020-04-17 09:05 - Partner Center Referral to CRM sync success.",
// cosell-connector.md §2.1): a UTC minute timestamp, " - ", the message.
// The column keeps the newest lines within auditMaxLen characters.

const auditTimeLayout = "2006-01-02 15:04"

// auditSuccess is the line for a pair synced with changes.
func auditSuccess(now time.Time, what string) string {
	return now.UTC().Format(auditTimeLayout) + " - Partner Center sync success: " + what + "."
}

// auditFailure is the line for a failed or refused record.
func auditFailure(now time.Time, reasons []string) string {
	return now.UTC().Format(auditTimeLayout) + " - Partner Center sync failure: " + strings.Join(reasons, "; ") + "."
}

// lastAuditMessage is the newest line without its timestamp, so an unchanged
// failure is not written again on every run.
func lastAuditMessage(audit string) string {
	lines := strings.Split(strings.TrimRight(audit, "\n"), "\n")
	last := lines[len(lines)-1]
	if i := strings.Index(last, " - "); i >= 0 {
		return last[i+3:]
	}
	return last
}

// appendAudit appends line and drops the oldest lines beyond auditMaxLen
// characters (runes); a single line longer than the bound is cut.
func appendAudit(audit, line string) string {
	if r := []rune(line); len(r) > auditMaxLen {
		line = string(r[:auditMaxLen-1]) + "…"
	}
	lines := []string{}
	if a := strings.TrimRight(audit, "\n"); a != "" {
		lines = strings.Split(a, "\n")
	}
	lines = append(lines, line)
	total := 0
	start := len(lines)
	for start > 0 {
		n := len([]rune(lines[start-1])) + 1
		if total+n > auditMaxLen+1 {
			break
		}
		total += n
		start--
	}
	return strings.Join(lines[start:], "\n")
}
