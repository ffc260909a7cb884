package connect

import (
	"context"
	"fmt"
	"net/http"
)

// ListDestinationTypes calls GET /v4/destination-types.
func (c *Client) ListDestinationTypes(ctx context.Context, token string) ([]ReportCard, error) {
	var cards []ReportCard
	if err := c.do(ctx, request{method: http.MethodGet, path: "v4/destination-types", token: token}, &cards); err != nil {
		return nil, fmt.Errorf("list destination types: %w", err)
	}
	return cards, nil
}

// GetDestinationType calls GET /v4/destination-types/{destination_type}.
func (c *Client) GetDestinationType(ctx context.Context, token, typ string) (*ReportCard, error) {
	var card ReportCard
	r := request{method: http.MethodGet, path: pathf("v4", "destination-types", typ), token: token}
	if err := c.do(ctx, r, &card); err != nil {
		return nil, fmt.Errorf("get destination type %q: %w", typ, err)
	}
	return &card, nil
}

// CreateDestination calls POST /v4/destinations.
func (c *Client) CreateDestination(ctx context.Context, token string, req CreateDestinationRequest) (*Destination, error) {
	if req.Properties == nil {
		req.Properties = map[string]any{}
	}
	r, err := jsonRequest(http.MethodPost, "v4/destinations", token, req)
	if err != nil {
		return nil, fmt.Errorf("create destination %q: %w", req.Type, err)
	}
	var d Destination
	if err := c.do(ctx, r, &d); err != nil {
		return nil, fmt.Errorf("create destination %q: %w", req.Type, err)
	}
	return &d, nil
}

// ListDestinations calls GET /v4/destinations (zero or one on Standard plans).
func (c *Client) ListDestinations(ctx context.Context, token string) ([]Destination, error) {
	var ds []Destination
	if err := c.do(ctx, request{method: http.MethodGet, path: "v4/destinations", token: token}, &ds); err != nil {
		return nil, fmt.Errorf("list destinations: %w", err)
	}
	return ds, nil
}

// UpdateDestination calls PUT /v4/destinations/{destination_id} with a
// partial set of properties; the type cannot change.
func (c *Client) UpdateDestination(ctx context.Context, token string, id Int, properties map[string]any) (*Destination, error) {
	if properties == nil {
		properties = map[string]any{}
	}
	body := struct {
		Properties map[string]any `json:"properties"`
	}{properties}
	r, err := jsonRequest(http.MethodPut, pathf("v4", "destinations", id.String()), token, body)
	if err != nil {
		return nil, fmt.Errorf("update destination %d: %w", id, err)
	}
	var d Destination
	if err := c.do(ctx, r, &d); err != nil {
		return nil, fmt.Errorf("update destination %d: %w", id, err)
	}
	return &d, nil
}

// DeleteDestination calls DELETE /v4/destinations/{destination_id}.
func (c *Client) DeleteDestination(ctx context.Context, token string, id Int) error {
	r := request{method: http.MethodDelete, path: pathf("v4", "destinations", id.String()), token: token}
	if err := c.do(ctx, r, nil); err != nil {
		return fmt.Errorf("delete destination %d: %w", id, err)
	}
	return nil
}
