package connect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// replicationAnswer is the 200 body of POST …/sync: a job name, or an error
// object (already_running) sent with 200 (API.md §13).
type replicationAnswer struct {
	JobName string `json:"job_name"`
	Error   *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

// StartReplication calls POST /v4/sources/{source_id}/sync. When a job is
// already running the API still answers 200: the job then has AlreadyRunning
// set and the API's Message, and no error is returned.
func (c *Client) StartReplication(ctx context.Context, token string, sourceID Int) (*ReplicationJob, error) {
	r := request{method: http.MethodPost, path: pathf("v4", "sources", sourceID.String(), "sync"), token: token}
	body, err := c.send(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("start replication of source %d: %w", sourceID, err)
	}
	job, err := decodeReplicationJob(r, body)
	if err != nil {
		return nil, fmt.Errorf("start replication of source %d: %w", sourceID, err)
	}
	return job, nil
}

// decodeReplicationJob reads the 200 answer of POST …/sync.
func decodeReplicationJob(r request, body []byte) (*ReplicationJob, error) {
	var a replicationAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("connect: decode %s /%s response: %w", r.method, r.path, err)
	}
	if a.Error != nil {
		if a.Error.Type == CodeAlreadyRunning {
			return &ReplicationJob{AlreadyRunning: true, Message: a.Error.Message}, nil
		}
		e := ParseError(http.StatusOK, body)
		e.Method, e.Path = r.method, "/"+r.path
		return nil, e
	}
	if a.JobName == "" {
		return nil, fmt.Errorf("connect: %s /%s: answer has no job_name", r.method, r.path)
	}
	return &ReplicationJob{JobName: a.JobName}, nil
}

// StopReplication calls DELETE /v4/sources/{source_id}/sync, which stops the
// job in progress.
func (c *Client) StopReplication(ctx context.Context, token string, sourceID Int) error {
	r := request{method: http.MethodDelete, path: pathf("v4", "sources", sourceID.String(), "sync"), token: token}
	if err := c.do(ctx, r, nil); err != nil {
		return fmt.Errorf("stop replication of source %d: %w", sourceID, err)
	}
	return nil
}
