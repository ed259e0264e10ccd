package dataverse

import "net/http"

// WinOpportunityRequest is WinOpportunity as a $batch operation (it may sit
// in a change set after the updates of the same opportunity).
func WinOpportunityRequest(id, subject string) BatchRequest {
	return BatchRequest{Method: http.MethodPost, Path: "WinOpportunity", Body: opportunityClose(id, OpportunityStatusWon, subject)}
}

// LoseOpportunityRequest is LoseOpportunity as a $batch operation.
func LoseOpportunityRequest(id string, status int, subject string) BatchRequest {
	return BatchRequest{Method: http.MethodPost, Path: "LoseOpportunity", Body: opportunityClose(id, status, subject)}
}
