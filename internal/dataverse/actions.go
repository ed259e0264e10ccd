package dataverse

import (
	"context"
	"errors"
	"net/http"
)

// Opportunity status reasons (statuscode) used when closing.
const (
	OpportunityStatusWon      = 3
	OpportunityStatusCanceled = 4
	OpportunityStatusOutSold  = 5
)

func opportunityClose(id string, status int, subject string) map[string]any {
	return map[string]any{
		"Status": status,
		"OpportunityClose": map[string]any{
			"subject":                  subject,
			"opportunityid@odata.bind": BindValue("opportunities", id),
		},
	}
}

// WinOpportunity closes an opportunity as won (Status 3).
func (c *Client) WinOpportunity(ctx context.Context, id, subject string) error {
	if id == "" {
		return errors.New("dataverse: WinOpportunity: empty id")
	}
	_, _, err := c.send(ctx, request{method: http.MethodPost, path: "WinOpportunity", body: opportunityClose(id, OpportunityStatusWon, subject)})
	return err
}

// LoseOpportunity closes an opportunity as lost with the given status reason
// (normally OpportunityStatusCanceled or OpportunityStatusOutSold).
func (c *Client) LoseOpportunity(ctx context.Context, id string, status int, subject string) error {
	if id == "" {
		return errors.New("dataverse: LoseOpportunity: empty id")
	}
	if status <= 0 {
		return errors.New("dataverse: LoseOpportunity: a status reason is required")
	}
	_, _, err := c.send(ctx, request{method: http.MethodPost, path: "LoseOpportunity", body: opportunityClose(id, status, subject)})
	return err
}
