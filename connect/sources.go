package connect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// ListSourceTypes calls GET /v4/source-types. The answer includes stub
// entries without steps and types the account cannot use; see ReportCard.Usable.
func (c *Client) ListSourceTypes(ctx context.Context, token string) ([]ReportCard, error) {
	var cards []ReportCard
	if err := c.do(ctx, request{method: http.MethodGet, path: "v4/source-types", token: token}, &cards); err != nil {
		return nil, fmt.Errorf("list source types: %w", err)
	}
	return cards, nil
}

// GetSourceType calls GET /v4/source-types/{source_type}.
func (c *Client) GetSourceType(ctx context.Context, token, typ string) (*ReportCard, error) {
	var card ReportCard
	r := request{method: http.MethodGet, path: pathf("v4", "source-types", typ), token: token}
	if err := c.do(ctx, r, &card); err != nil {
		return nil, fmt.Errorf("get source type %q: %w", typ, err)
	}
	return &card, nil
}

// CreateSource calls POST /v4/sources.
func (c *Client) CreateSource(ctx context.Context, token string, req CreateSourceRequest) (*Source, error) {
	src, err := c.sendSource(ctx, http.MethodPost, "v4/sources", token, req)
	if err != nil {
		return nil, fmt.Errorf("create source %q: %w", req.Type, err)
	}
	return src, nil
}

// GetSource calls GET /v4/sources/{source_id}. Deleted sources are returned
// too, with DeletedAt set.
func (c *Client) GetSource(ctx context.Context, token string, id Int) (*Source, error) {
	src, err := c.sendSource(ctx, http.MethodGet, pathf("v4", "sources", id.String()), token, nil)
	if err != nil {
		return nil, fmt.Errorf("get source %d: %w", id, err)
	}
	return src, nil
}

// ListSources calls GET /v4/sources. Paused and deleted sources are included.
func (c *Client) ListSources(ctx context.Context, token string) ([]Source, error) {
	var srcs []Source
	if err := c.do(ctx, request{method: http.MethodGet, path: "v4/sources", token: token}, &srcs); err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return srcs, nil
}

// UpdateSource calls PUT /v4/sources/{source_id}. Properties are merged with
// the stored ones by the API.
func (c *Client) UpdateSource(ctx context.Context, token string, id Int, req UpdateSourceRequest) (*Source, error) {
	src, err := c.sendSource(ctx, http.MethodPut, pathf("v4", "sources", id.String()), token, req)
	if err != nil {
		return nil, fmt.Errorf("update source %d: %w", id, err)
	}
	return src, nil
}

// DeleteSource calls DELETE /v4/sources/{source_id} and returns the source
// with DeletedAt set.
func (c *Client) DeleteSource(ctx context.Context, token string, id Int) (*Source, error) {
	src, err := c.sendSource(ctx, http.MethodDelete, pathf("v4", "sources", id.String()), token, nil)
	if err != nil {
		return nil, fmt.Errorf("delete source %d: %w", id, err)
	}
	return src, nil
}

// PauseSource calls PUT /v4/sources/{source_id} with paused_at = at. Any
// value pauses at once (API.md §8.6).
func (c *Client) PauseSource(ctx context.Context, token string, id Int, at time.Time) (*Source, error) {
	body := map[string]string{"paused_at": at.UTC().Format(time.RFC3339)}
	src, err := c.sendSource(ctx, http.MethodPut, pathf("v4", "sources", id.String()), token, body)
	if err != nil {
		return nil, fmt.Errorf("pause source %d: %w", id, err)
	}
	return src, nil
}

// UnpauseSource calls PUT /v4/sources/{source_id} with {"paused_at":null}.
func (c *Client) UnpauseSource(ctx context.Context, token string, id Int) (*Source, error) {
	body := map[string]json.RawMessage{"paused_at": json.RawMessage("null")}
	src, err := c.sendSource(ctx, http.MethodPut, pathf("v4", "sources", id.String()), token, body)
	if err != nil {
		return nil, fmt.Errorf("unpause source %d: %w", id, err)
	}
	return src, nil
}

func (c *Client) sendSource(ctx context.Context, method, path, token string, body any) (*Source, error) {
	r, err := jsonRequest(method, path, token, body)
	if err != nil {
		return nil, err
	}
	var src Source
	if err := c.do(ctx, r, &src); err != nil {
		return nil, err
	}
	return &src, nil
}

// SourceLastConnectionCheck calls GET /v4/sources/{source_id}/last-connection-check.
func (c *Client) SourceLastConnectionCheck(ctx context.Context, token string, id Int) (*ConnectionCheck, error) {
	var cc ConnectionCheck
	r := request{method: http.MethodGet, path: pathf("v4", "sources", id.String(), "last-connection-check"), token: token}
	if err := c.do(ctx, r, &cc); err != nil {
		return nil, fmt.Errorf("last connection check of source %d: %w", id, err)
	}
	return &cc, nil
}

// DestinationLastConnectionCheck calls GET
// /v4/destinations/{destination_id}/last-connection-check (defined by Stitch
// but unpublished, API.md §9.3).
func (c *Client) DestinationLastConnectionCheck(ctx context.Context, token string, id Int) (*ConnectionCheck, error) {
	var cc ConnectionCheck
	r := request{method: http.MethodGet, path: pathf("v4", "destinations", id.String(), "last-connection-check"), token: token}
	if err := c.do(ctx, r, &cc); err != nil {
		return nil, fmt.Errorf("last connection check of destination %d: %w", id, err)
	}
	return &cc, nil
}
