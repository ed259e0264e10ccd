package powerplatform

import (
	"fmt"
	"time"
)

// Wire (JSON) shapes of the connectivity API.

type envRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type paramValueJSON struct {
	Value any `json:"value"`
}

type paramSetJSON struct {
	Name   string                    `json:"name"`
	Values map[string]paramValueJSON `json:"values"`
}

// putBody is the PUT request body.
type putBody struct {
	Properties struct {
		DisplayName             string         `json:"displayName"`
		Environment             *envRef        `json:"environment"`
		ConnectionParameters    map[string]any `json:"connectionParameters"`
		ConnectionParametersSet *paramSetJSON  `json:"connectionParametersSet"`
	} `json:"properties"`
}

type statusJSON struct {
	Status string           `json:"status"`
	Target string           `json:"target,omitempty"`
	Error  *ConnectionError `json:"error,omitempty"`
}

type connectionProps struct {
	APIID                   string         `json:"apiId"`
	DisplayName             string         `json:"displayName"`
	IconURI                 string         `json:"iconUri"`
	Statuses                []statusJSON   `json:"statuses"`
	ConnectionParameters    map[string]any `json:"connectionParameters,omitempty"`
	ConnectionParametersSet *paramSetJSON  `json:"connectionParametersSet,omitempty"`
	CreatedBy               Principal      `json:"createdBy"`
	CreatedTime             string         `json:"createdTime"`
	LastModifiedTime        string         `json:"lastModifiedTime"`
	Environment             envRef         `json:"environment"`
	AllowSharing            bool           `json:"allowSharing"`
	AccountName             string         `json:"accountName,omitempty"`
}

type connectionJSON struct {
	Name       string          `json:"name"`
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Properties connectionProps `json:"properties"`
}

func apiID(api string) string { return "/providers/Microsoft.PowerApps/apis/" + api }

func environmentID(env string) string { return "/providers/Microsoft.PowerApps/environments/" + env }

func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z07:00") }

// toWire renders a connection as the API returns it: secure parameter
// values are left out (see choices.go).
func toWire(c *Connection) connectionJSON {
	p := connectionProps{
		APIID:            apiID(c.API),
		DisplayName:      c.DisplayName,
		IconURI:          "https://connectoricons-prod.azureedge.net/" + c.API + "/icon.png",
		CreatedBy:        c.CreatedBy,
		CreatedTime:      wireTime(c.CreatedTime),
		LastModifiedTime: wireTime(c.LastModifiedTime),
		Environment:      envRef{ID: environmentID(c.EnvironmentID), Name: c.EnvironmentID},
		AccountName:      c.CreatedBy.UserPrincipalName,
	}
	st := statusJSON{Status: c.Status, Error: c.Error}
	if c.Error != nil {
		st.Target = "token"
	}
	p.Statuses = []statusJSON{st}
	if c.ConnectionParameters != nil {
		p.ConnectionParameters = map[string]any{}
		for k, v := range c.ConnectionParameters {
			if !isSecretParam(k) {
				p.ConnectionParameters[k] = v
			}
		}
	}
	if c.ParameterSet != nil {
		ps := &paramSetJSON{Name: c.ParameterSet.Name, Values: map[string]paramValueJSON{}}
		for k, v := range c.ParameterSet.Values {
			if !isSecretParam(k) {
				ps.Values[k] = paramValueJSON{Value: v}
			}
		}
		p.ConnectionParametersSet = ps
	}
	return connectionJSON{
		Name:       c.Name,
		ID:         apiID(c.API) + "/connections/" + c.Name,
		Type:       "Microsoft.PowerApps/apis/connections",
		Properties: p,
	}
}

// fromWireSet converts parameter set values to strings (they are strings
// on the wire; anything else is kept in its JSON text form).
func fromWireSet(ps *paramSetJSON) *ParameterSet {
	if ps == nil {
		return nil
	}
	out := &ParameterSet{Name: ps.Name, Values: map[string]string{}}
	for k, v := range ps.Values {
		switch x := v.Value.(type) {
		case string:
			out.Values[k] = x
		case nil:
			out.Values[k] = ""
		default:
			out.Values[k] = fmt.Sprint(x)
		}
	}
	return out
}
