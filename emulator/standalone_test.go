package emulator

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRunStandalone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- RunStandalone(ctx, []string{"--addr", "127.0.0.1:0", "--partner-id", testPartnerID, "--partner-secret", testPartnerSecret,
			"--check-delay", "0s", "--fault", "GET /v4/destinations 503 2"}, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("read ready line: %v", err)
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "emulator listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("ready line: got %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	client := &http.Client{Timeout: 5 * time.Second}

	req, _ := http.NewRequest("POST", base+"/_emulator/accounts", strings.NewReader(`{"email":"standalone@example.com"}`))
	req.SetBasicAuth(testPartnerID, testPartnerSecret)
	r := mustSend(t, client, req)
	mustStatus(t, r, http.StatusOK)
	var acct struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(r.body, &acct); err != nil || acct.AccessToken == "" {
		t.Fatalf("admin account: got %s (%v)", r.body, err)
	}
	req, _ = http.NewRequest("GET", base+"/v4/source-types", nil)
	req.Header.Set("Authorization", "Bearer "+acct.AccessToken)
	r = mustSend(t, client, req)
	mustStatus(t, r, http.StatusOK)
	var types []map[string]any
	if err := json.Unmarshal(r.body, &types); err != nil || len(types) == 0 {
		t.Fatalf("source types: got %d entries (%v)", len(types), err)
	}
	req, _ = http.NewRequest("GET", base+"/v4/destinations", nil)
	req.Header.Set("Authorization", "Bearer "+acct.AccessToken)
	r = mustSend(t, client, req)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "2" {
		t.Fatalf("fault flag: got %d Retry-After %q, want 503 and 2", r.status, r.header.Get("Retry-After"))
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunStandalone: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunStandalone did not stop after cancel")
	}
}

func TestRunStandaloneFlagErrors(t *testing.T) {
	t.Parallel()
	cases := [][]string{
		{"--addr", "127.0.0.1:0"},
		{"--partner-id", "a", "--partner-secret", "b", "--fault", "nonsense"},
		{"--partner-id", "a", "--partner-secret", "b", "extra"},
		{"--unknown"},
		{"--partner-id", "a", "--partner-secret", "b", "--addr", "256.0.0.1:99999"},
	}
	for _, args := range cases {
		var out strings.Builder
		if err := RunStandalone(context.Background(), args, &out); err == nil || out.Len() != 0 {
			t.Errorf("%v: got error %v and output %q, want an error and no output", args, err, out.String())
		}
	}
}
