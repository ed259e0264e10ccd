// Package converge holds the acceptance tests proving that an apply that is
// faulted (throttled, 5xx, answers lost after the write was applied, 412
// races) or killed (SIGKILL of the CLI and the provider mid-apply) converges
// on the next apply with exactly one object of each kind. The fault tests
// drive the in-process provider through the CLI (internal/acctest); the kill
// test execs the real CLI with the real provider binary (dev_overrides).
package converge
