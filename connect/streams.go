package connect

import (
	"context"
	"fmt"
	"net/http"
)

// ListStreams calls GET /v4/sources/{source_id}/streams.
func (c *Client) ListStreams(ctx context.Context, token string, sourceID Int) ([]Stream, error) {
	var streams []Stream
	r := request{method: http.MethodGet, path: pathf("v4", "sources", sourceID.String(), "streams"), token: token}
	if err := c.do(ctx, r, &streams); err != nil {
		return nil, fmt.Errorf("list streams of source %d: %w", sourceID, err)
	}
	return streams, nil
}

// GetStreamSchema calls GET /v4/sources/{source_id}/streams/{stream_id}. The
// schema, sent as a JSON-encoded string, is returned decoded.
func (c *Client) GetStreamSchema(ctx context.Context, token string, sourceID, streamID Int) (*StreamSchema, error) {
	var s StreamSchema
	r := request{method: http.MethodGet, path: pathf("v4", "sources", sourceID.String(), "streams", streamID.String()), token: token}
	if err := c.do(ctx, r, &s); err != nil {
		return nil, fmt.Errorf("get schema of stream %d of source %d: %w", streamID, sourceID, err)
	}
	return &s, nil
}

// UpdateStreamMetadata calls PUT /v4/sources/{source_id}/streams/metadata.
func (c *Client) UpdateStreamMetadata(ctx context.Context, token string, sourceID Int, streams []StreamMetadataUpdate) error {
	if streams == nil {
		streams = []StreamMetadataUpdate{}
	}
	body := struct {
		Streams []StreamMetadataUpdate `json:"streams"`
	}{streams}
	r, err := jsonRequest(http.MethodPut, pathf("v4", "sources", sourceID.String(), "streams", "metadata"), token, body)
	if err != nil {
		return fmt.Errorf("update stream metadata of source %d: %w", sourceID, err)
	}
	if err := c.do(ctx, r, nil); err != nil {
		return fmt.Errorf("update stream metadata of source %d: %w", sourceID, err)
	}
	return nil
}
