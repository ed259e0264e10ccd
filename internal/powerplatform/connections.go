package powerplatform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Connection is a Power Platform connection.
type Connection struct {
	Name       string               `json:"name,omitempty"`
	ID         string               `json:"id,omitempty"`   // /providers/Microsoft.PowerApps/apis/{api}/connections/{name}
	Type       string               `json:"type,omitempty"` // Microsoft.PowerApps/apis/connections
	Properties ConnectionProperties `json:"properties"`
}

// ConnectionProperties are the connection's properties. On write only
// DisplayName and ConnectionParameters / ConnectionParametersSet are sent
// (the environment is added by the client).
type ConnectionProperties struct {
	APIID                   string                   `json:"apiId,omitempty"`
	DisplayName             string                   `json:"displayName,omitempty"`
	IconURI                 string                   `json:"iconUri,omitempty"`
	Statuses                []ConnectionStatus       `json:"statuses,omitempty"`
	ConnectionParameters    map[string]any           `json:"connectionParameters,omitempty"`
	ConnectionParametersSet *ConnectionParametersSet `json:"connectionParametersSet,omitempty"`
	CreatedBy               *Principal               `json:"createdBy,omitempty"`
	CreatedTime             string                   `json:"createdTime,omitempty"`
	LastModifiedTime        string                   `json:"lastModifiedTime,omitempty"`
	ExpirationTime          string                   `json:"expirationTime,omitempty"`
	Environment             *EnvironmentRef          `json:"environment,omitempty"`
	Permissions             json.RawMessage          `json:"permissions,omitempty"`
	AccountName             string                   `json:"accountName,omitempty"`
	AllowSharing            *bool                    `json:"allowSharing,omitempty"`
	TestLinks               []TestLink               `json:"testLinks,omitempty"`
}

// ConnectionStatus is one entry of properties.statuses.
type ConnectionStatus struct {
	Status string       `json:"status"` // "Connected", …
	Target string       `json:"target,omitempty"`
	Error  *StatusError `json:"error,omitempty"`
}

// StatusError explains a non-connected status.
type StatusError struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// ConnectionParametersSet selects a parameter set (e.g. "oauthSP") and its values.
type ConnectionParametersSet struct {
	Name   string                    `json:"name"`
	Values map[string]ParameterValue `json:"values"`
}

// ParameterValue wraps one parameter: {"value": …}.
type ParameterValue struct {
	Value any `json:"value"`
}

// ServicePrincipalParameters returns the "oauthSP" parameter set with
// token:clientId, token:clientSecret and token:TenantId.
func ServicePrincipalParameters(clientID, clientSecret, tenantID string) *ConnectionParametersSet {
	return &ConnectionParametersSet{Name: "oauthSP", Values: map[string]ParameterValue{
		"token:clientId":     {clientID},
		"token:clientSecret": {clientSecret},
		"token:TenantId":     {tenantID},
	}}
}

// Principal is who created the connection.
type Principal struct {
	ID                string `json:"id,omitempty"`
	DisplayName       string `json:"displayName,omitempty"`
	Email             string `json:"email,omitempty"`
	Type              string `json:"type,omitempty"`
	TenantID          string `json:"tenantId,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// EnvironmentRef names the environment.
type EnvironmentRef struct {
	ID   string `json:"id"`   // /providers/Microsoft.PowerApps/environments/{envId}
	Name string `json:"name"` // {envId}
}

// TestLink is a link to test the connection.
type TestLink struct {
	RequestURI string `json:"requestUri,omitempty"`
	Method     string `json:"method,omitempty"`
}

// StatusConnected is the status of a usable connection.
const StatusConnected = "Connected"

// Connected reports whether any status is "Connected".
func (c *Connection) Connected() bool {
	for _, s := range c.Properties.Statuses {
		if strings.EqualFold(s.Status, StatusConnected) {
			return true
		}
	}
	return false
}

// API returns the connector api name, from the id, else properties.apiId.
func (c *Connection) API() string {
	for _, s := range []string{c.ID, c.Properties.APIID} {
		parts := strings.Split(s, "/")
		for i := 0; i+1 < len(parts); i++ {
			if strings.EqualFold(parts[i], "apis") {
				return parts[i+1]
			}
		}
	}
	return ""
}

func (c *Client) connectionURL(api, name string) (string, error) {
	if api == "" || name == "" {
		return "", errors.New("powerplatform: connector api and connection name are required")
	}
	q := "api-version=" + APIVersion + "&$filter=" + strings.ReplaceAll(url.QueryEscape("environment eq '"+c.env+"'"), "+", "%20")
	return c.base + "/connectivity/connectors/" + url.PathEscape(api) + "/connections/" + url.PathEscape(name) + "?" + q, nil
}

// CreateOrUpdate creates or replaces the connection name of connector api
// (name "" = a new NewConnectionName) and returns the service's view of it.
func (c *Client) CreateOrUpdate(ctx context.Context, api, name string, conn Connection) (*Connection, error) {
	if name == "" {
		name = NewConnectionName()
		if c.opts.NewName != nil {
			name = c.opts.NewName()
		}
	}
	u, err := c.connectionURL(api, name)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"properties": writeProperties{
		DisplayName: conn.Properties.DisplayName,
		Environment: EnvironmentRef{
			ID:   "/providers/Microsoft.PowerApps/environments/" + c.env,
			Name: c.env,
		},
		ConnectionParameters:    conn.Properties.ConnectionParameters,
		ConnectionParametersSet: conn.Properties.ConnectionParametersSet,
	}}
	resp, b, err := c.send(ctx, http.MethodPut, u, body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("powerplatform: put connection: unexpected HTTP %d", resp.StatusCode)
	}
	return decodeConnection(b, api, name)
}

type writeProperties struct {
	DisplayName             string                   `json:"displayName,omitempty"`
	Environment             EnvironmentRef           `json:"environment"`
	ConnectionParameters    map[string]any           `json:"connectionParameters,omitempty"`
	ConnectionParametersSet *ConnectionParametersSet `json:"connectionParametersSet,omitempty"`
}

func decodeConnection(b []byte, api, name string) (*Connection, error) {
	var out Connection
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, errors.New("powerplatform: empty connection answer")
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("powerplatform: decode connection: %w", err)
	}
	if out.Name == "" {
		out.Name = name
	}
	if out.ID == "" {
		out.ID = ConnectorID(api) + "/connections/" + out.Name
	}
	return &out, nil
}

// Get reads a connection. A missing one gives IsNotFound.
func (c *Client) Get(ctx context.Context, api, name string) (*Connection, error) {
	u, err := c.connectionURL(api, name)
	if err != nil {
		return nil, err
	}
	_, b, err := c.send(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return decodeConnection(b, api, name)
}

// Delete removes a connection. A missing one gives IsNotFound.
func (c *Client) Delete(ctx context.Context, api, name string) error {
	u, err := c.connectionURL(api, name)
	if err != nil {
		return err
	}
	_, _, err = c.send(ctx, http.MethodDelete, u, nil)
	return err
}

// List returns the environment's connections, only those of connector api
// when api is not "".
func (c *Client) List(ctx context.Context, api string) ([]Connection, error) {
	next := c.base + "/connectivity/connections?api-version=" + APIVersion
	var out []Connection
	for seen := map[string]bool{}; next != ""; {
		if seen[next] {
			return nil, fmt.Errorf("powerplatform: server repeated nextLink %s", next)
		}
		seen[next] = true
		_, b, err := c.send(ctx, http.MethodGet, next, nil)
		if err != nil {
			return nil, err
		}
		var page struct {
			Value     []Connection `json:"value"`
			NextLink  string       `json:"nextLink"`
			ODataNext string       `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("powerplatform: decode connections: %w", err)
		}
		for _, conn := range page.Value {
			if api == "" || strings.EqualFold(conn.API(), api) {
				out = append(out, conn)
			}
		}
		next = page.NextLink
		if next == "" {
			next = page.ODataNext
		}
		if next != "" && !c.sameOrigin(next) {
			return nil, fmt.Errorf("powerplatform: refusing nextLink outside %s: %s", c.base, next)
		}
	}
	return out, nil
}
