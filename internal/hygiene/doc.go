// Package hygiene holds tests about what the provider leaves behind on a
// user's machine: logs at TF_LOG=trace, state files and plan output must
// carry no credential or token. It has no code of its own.
package hygiene
