package connect_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/connect/connecttest"
)

const (
	testToken     = "ac_tenant_token_SECRET"
	testUserAgent = "onramp-test/1"
	partnerID     = "oc_partner"
	partnerSecret = "oc_partner_SECRET"
)

// recorded is one request as the server saw it (below the prefix).
type recorded struct {
	Method  string
	Path    string // escaped path, prefix removed
	Header  http.Header
	Body    []byte
	Elapsed time.Duration // since the recorder was created
}

// recorder answers with a scripted sequence of replies and keeps every request.
type recorder struct {
	tb      testing.TB
	start   time.Time
	mu      sync.Mutex
	reqs    []recorded
	replies []reply
}

// reply is one scripted answer; the last one repeats.
type reply struct {
	status int
	header map[string]string
	body   string
}

func newRecorder(tb testing.TB, replies ...reply) *recorder {
	if len(replies) == 0 {
		replies = []reply{{status: http.StatusOK, body: `{}`}}
	}
	return &recorder{tb: tb, start: time.Now(), replies: replies}
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rec.tb.Errorf("read request body: %v", err)
	}
	rec.mu.Lock()
	n := len(rec.reqs)
	rec.reqs = append(rec.reqs, recorded{Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header.Clone(), Body: body, Elapsed: time.Since(rec.start)})
	rp := rec.replies[min(n, len(rec.replies)-1)]
	rec.mu.Unlock()
	for k, v := range rp.header {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rp.status)
	_, _ = io.WriteString(w, rp.body)
}

func (rec *recorder) requests() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.reqs...)
}

// mustOneRequest returns the only request the server received.
func (rec *recorder) mustOneRequest(tb testing.TB) recorded {
	tb.Helper()
	reqs := rec.requests()
	if len(reqs) != 1 {
		tb.Fatalf("got %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

// newTestClient returns a client talking to h under connecttest.Prefix, with
// the test user agent and partner credentials.
func newTestClient(tb testing.TB, h http.Handler, opts ...connect.Option) *connect.Client {
	tb.Helper()
	base := []connect.Option{connect.WithUserAgent(testUserAgent), connect.WithPartner(partnerID, partnerSecret)}
	c, _ := connecttest.NewClient(tb, h, append(base, opts...)...)
	return c
}

func mustJSONEqual(tb testing.TB, got []byte, want string) {
	tb.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		tb.Fatalf("request body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		tb.Fatalf("want %q is not JSON: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		tb.Errorf("got body %s, want %s", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// TestEndpoints checks, for every method, the request on the wire and the
// decoded answer.
func TestEndpoints(t *testing.T) {
	t.Parallel()
	pausedAt := time.Date(2019, 6, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))
	tests := []struct {
		name       string
		reply      string
		call       func(ctx context.Context, c *connect.Client) (any, error)
		wantMethod string
		wantPath   string
		wantBody   string // JSON, or form-encoded when wantForm; "" = no body
		wantForm   bool
		noAuth     bool
		check      func(t *testing.T, got any)
	}{
		{
			name:  "CreateAccount",
			reply: `{"access_token":"at_x","stitch_account_id":136715}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.CreateAccount(ctx, connect.CreateAccountRequest{FirstName: "A", LastName: "B", Company: "C", Email: "a@b.c", Region: "us-east-1"})
			},
			wantMethod: http.MethodPost, wantPath: "/v3/accounts", noAuth: true,
			wantBody: `{"partner_id":"oc_partner","partner_secret":"oc_partner_SECRET","first_name":"A","last_name":"B","company":"C","email":"a@b.c","region":"us-east-1"}`,
			check: func(t *testing.T, got any) {
				a := got.(*connect.Account)
				if a.AccessToken != "at_x" || a.StitchAccountID != 136715 {
					t.Errorf("got %+v, want at_x 136715", a)
				}
			},
		},
		{
			name:  "ExchangeCode",
			reply: `{"token_type":"bearer","access_token":"ac_new","stitch_account_id":7}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.ExchangeCode(ctx, "code 1&2")
			},
			wantMethod: http.MethodPost, wantPath: "/oauth/token", noAuth: true, wantForm: true,
			wantBody: "client_secret=oc_partner_SECRET&code=code+1%262&grant_type=authorization_code",
			check: func(t *testing.T, got any) {
				a := got.(*connect.Account)
				if a.AccessToken != "ac_new" || a.StitchAccountID != 7 || a.TokenType != "bearer" {
					t.Errorf("got %+v, want ac_new 7 bearer", a)
				}
			},
		},
		{
			name:  "CreateEphemeralSession",
			reply: `{"ephemeral_token":"eph"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.CreateEphemeralSession(ctx, testToken)
			},
			wantMethod: http.MethodPost, wantPath: "/v3/sessions/ephemeral",
			check: func(t *testing.T, got any) {
				if got.(string) != "eph" {
					t.Errorf("got %q, want eph", got)
				}
			},
		},
		{
			name:  "ListSourceTypes",
			reply: `[{"type":"platform.hubspot","current_step":1,"current_step_type":"form","steps":[{"type":"form","properties":[]}],"details":{"access":true}},{"type":"hubspot","details":{"access":true},"upgrade_available":{"type":"platform.hubspot"}}]`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.ListSourceTypes(ctx, testToken)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/source-types",
			check: func(t *testing.T, got any) {
				cards := got.([]connect.ReportCard)
				if len(cards) != 2 || !cards[0].Usable() || cards[1].Usable() || cards[1].UpgradeAvailable.Type != "platform.hubspot" {
					t.Errorf("got %+v, want one usable card and one stub", cards)
				}
			},
		},
		{
			name:  "GetSourceType escapes the type",
			reply: `{"type":"platform.odd type/x","current_step":1,"current_step_type":"form"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.GetSourceType(ctx, testToken, "platform.odd type/x")
			},
			wantMethod: http.MethodGet, wantPath: "/v4/source-types/platform.odd%20type%2Fx",
			check: func(t *testing.T, got any) {
				if got.(*connect.ReportCard).CurrentStepType != connect.StepForm {
					t.Errorf("got %+v, want form step", got)
				}
			},
		},
		{
			name:  "CreateSource",
			reply: `{"id":5,"type":"platform.shopify","display_name":"Shopify","report_card":{"type":"platform.shopify","current_step":2,"current_step_type":"oauth"}}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.CreateSource(ctx, testToken, connect.CreateSourceRequest{Type: "platform.shopify", DisplayName: "Shopify", Properties: map[string]any{"start_date": "2017-01-01T00:00:00Z"}, DestinationID: ptr(connect.Int(12345))})
			},
			wantMethod: http.MethodPost, wantPath: "/v4/sources",
			wantBody: `{"type":"platform.shopify","display_name":"Shopify","properties":{"start_date":"2017-01-01T00:00:00Z"},"destination_id":12345}`,
			check: func(t *testing.T, got any) {
				if s := got.(*connect.Source); s.ID != 5 || s.ReportCard.CurrentStepType != connect.StepOAuth {
					t.Errorf("got %+v, want id 5 at oauth", s)
				}
			},
		},
		{
			name:  "GetSource",
			reply: `{"id":5,"type":"t","deleted_at":"2020-01-02T03:04:05Z"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.GetSource(ctx, testToken, 5)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/sources/5",
			check: func(t *testing.T, got any) {
				if s := got.(*connect.Source); s.DeletedAt == nil || s.DeletedAt.Year() != 2020 {
					t.Errorf("got deleted_at %v, want 2020", s.DeletedAt)
				}
			},
		},
		{
			name:  "ListSources",
			reply: `[{"id":1},{"id":2}]`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.ListSources(ctx, testToken)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/sources",
			check: func(t *testing.T, got any) {
				if s := got.([]connect.Source); len(s) != 2 || s[1].ID != 2 {
					t.Errorf("got %+v, want ids 1 and 2", s)
				}
			},
		},
		{
			name:  "UpdateSource",
			reply: `{"id":5}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.UpdateSource(ctx, testToken, 5, connect.UpdateSourceRequest{Properties: map[string]any{"frequency_in_minutes": "30"}})
			},
			wantMethod: http.MethodPut, wantPath: "/v4/sources/5",
			wantBody: `{"properties":{"frequency_in_minutes":"30"}}`,
		},
		{
			name:  "DeleteSource",
			reply: `{"id":5,"deleted_at":"2020-01-02T03:04:05Z"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.DeleteSource(ctx, testToken, 5)
			},
			wantMethod: http.MethodDelete, wantPath: "/v4/sources/5",
			check: func(t *testing.T, got any) {
				if got.(*connect.Source).DeletedAt == nil {
					t.Errorf("got no deleted_at, want it set")
				}
			},
		},
		{
			name:  "PauseSource sends UTC",
			reply: `{"id":5,"paused_at":"2019-05-31T23:00:00Z"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.PauseSource(ctx, testToken, 5, pausedAt)
			},
			wantMethod: http.MethodPut, wantPath: "/v4/sources/5",
			wantBody: `{"paused_at":"2019-05-31T23:00:00Z"}`,
			check: func(t *testing.T, got any) {
				if got.(*connect.Source).PausedAt == nil {
					t.Errorf("got no paused_at, want it set")
				}
			},
		},
		{
			name:  "UnpauseSource sends null",
			reply: `{"id":5,"paused_at":null}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.UnpauseSource(ctx, testToken, 5)
			},
			wantMethod: http.MethodPut, wantPath: "/v4/sources/5",
			wantBody: `{"paused_at":null}`,
		},
		{
			name:  "SourceLastConnectionCheck",
			reply: `{"name":"n","mode":"check","status":"failed","error":true,"discovery_exit_status":1}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.SourceLastConnectionCheck(ctx, testToken, 5)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/sources/5/last-connection-check",
			check: func(t *testing.T, got any) {
				cc := got.(*connect.ConnectionCheck)
				if cc.Status != connect.CheckFailed || cc.DiscoveryExitStatus == nil || *cc.DiscoveryExitStatus != 1 {
					t.Errorf("got %+v, want failed with discovery exit 1", cc)
				}
			},
		},
		{
			name:  "DestinationLastConnectionCheck",
			reply: `{"status":"succeeded"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.DestinationLastConnectionCheck(ctx, testToken, 9)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/destinations/9/last-connection-check",
			check: func(t *testing.T, got any) {
				if got.(*connect.ConnectionCheck).Status != connect.CheckSucceeded {
					t.Errorf("got %+v, want succeeded", got)
				}
			},
		},
		{
			name:  "ListStreams",
			reply: `[{"stream_id":3,"tap_stream_id":"orders","stream_name":"orders","selected":null,"metadata":{"selected":null,"row-count":4}}]`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.ListStreams(ctx, testToken, 5)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/sources/5/streams",
			check: func(t *testing.T, got any) {
				s := got.([]connect.Stream)
				if len(s) != 1 || s[0].StreamID != 3 || s[0].Metadata.RowCount == nil || *s[0].Metadata.RowCount != 4 {
					t.Errorf("got %+v, want stream 3 with 4 rows", s)
				}
			},
		},
		{
			name:  "GetStreamSchema decodes the schema string",
			reply: `{"schema":"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}","metadata":[{"breadcrumb":[],"metadata":{"selected":true}}],"non-discoverable-metadata-keys":["selected"]}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.GetStreamSchema(ctx, testToken, 5, 3)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/sources/5/streams/3",
			check: func(t *testing.T, got any) {
				s := got.(*connect.StreamSchema)
				if string(s.Schema) != `{"type":"object","properties":{"id":{"type":"integer"}}}` {
					t.Errorf("got schema %s, want the decoded object", s.Schema)
				}
			},
		},
		{
			name:  "UpdateStreamMetadata",
			reply: `{"status":200}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return nil, c.UpdateStreamMetadata(ctx, testToken, 5, []connect.StreamMetadataUpdate{{
					TapStreamID: "custom_collections",
					Metadata:    []connect.MetadataEntry{{Metadata: map[string]any{"selected": true}}, {Breadcrumb: []string{"properties", "id"}, Metadata: map[string]any{"selected": false}}},
				}})
			},
			wantMethod: http.MethodPut, wantPath: "/v4/sources/5/streams/metadata",
			wantBody: `{"streams":[{"tap_stream_id":"custom_collections","metadata":[{"breadcrumb":[],"metadata":{"selected":true}},{"breadcrumb":["properties","id"],"metadata":{"selected":false}}]}]}`,
		},
		{
			name:  "UpdateStreamMetadata with nil sends an empty list",
			reply: `{"status":200}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return nil, c.UpdateStreamMetadata(ctx, testToken, 5, nil)
			},
			wantMethod: http.MethodPut, wantPath: "/v4/sources/5/streams/metadata",
			wantBody: `{"streams":[]}`,
		},
		{
			name:  "ListDestinationTypes",
			reply: `[{"type":"postgres"},{"type":"s3"}]`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.ListDestinationTypes(ctx, testToken)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/destination-types",
			check: func(t *testing.T, got any) {
				if d := got.([]connect.ReportCard); len(d) != 2 || d[1].Type != "s3" {
					t.Errorf("got %+v, want postgres and s3", d)
				}
			},
		},
		{
			name:  "GetDestinationType",
			reply: `{"type":"postgres"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.GetDestinationType(ctx, testToken, "postgres")
			},
			wantMethod: http.MethodGet, wantPath: "/v4/destination-types/postgres",
			check: func(t *testing.T, got any) {
				if got.(*connect.ReportCard).Type != "postgres" {
					t.Errorf("got %+v, want postgres", got)
				}
			},
		},
		{
			name:  "CreateDestination",
			reply: `{"id":9,"type":"postgres","display_name":null,"properties":{"port":"5432"}}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.CreateDestination(ctx, testToken, connect.CreateDestinationRequest{Type: "postgres", Name: "Staging", Properties: map[string]any{"port": "5432", "ssl": false}})
			},
			wantMethod: http.MethodPost, wantPath: "/v4/destinations",
			wantBody: `{"type":"postgres","name":"Staging","properties":{"port":"5432","ssl":false}}`,
			check: func(t *testing.T, got any) {
				if d := got.(*connect.Destination); d.ID != 9 || d.DisplayName != nil || d.Properties["port"] != "5432" {
					t.Errorf("got %+v, want id 9 with port 5432", d)
				}
			},
		},
		{
			name:  "CreateDestination with nil properties sends {}",
			reply: `{"id":9}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.CreateDestination(ctx, testToken, connect.CreateDestinationRequest{Type: "s3"})
			},
			wantMethod: http.MethodPost, wantPath: "/v4/destinations",
			wantBody: `{"type":"s3","properties":{}}`,
		},
		{
			name:  "ListDestinations",
			reply: `[{"id":9}]`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.ListDestinations(ctx, testToken)
			},
			wantMethod: http.MethodGet, wantPath: "/v4/destinations",
			check: func(t *testing.T, got any) {
				if d := got.([]connect.Destination); len(d) != 1 || d[0].ID != 9 {
					t.Errorf("got %+v, want id 9", d)
				}
			},
		},
		{
			name:  "UpdateDestination",
			reply: `{"id":9,"check_job_name":"j"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.UpdateDestination(ctx, testToken, 9, map[string]any{"username": "stitch_admin"})
			},
			wantMethod: http.MethodPut, wantPath: "/v4/destinations/9",
			wantBody: `{"properties":{"username":"stitch_admin"}}`,
			check: func(t *testing.T, got any) {
				if got.(*connect.Destination).CheckJobName != "j" {
					t.Errorf("got %+v, want check job j", got)
				}
			},
		},
		{
			name:  "UpdateDestination with nil properties sends {}",
			reply: `{"id":9}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.UpdateDestination(ctx, testToken, 9, nil)
			},
			wantMethod: http.MethodPut, wantPath: "/v4/destinations/9",
			wantBody: `{"properties":{}}`,
		},
		{
			name:  "DeleteDestination",
			reply: `{}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return nil, c.DeleteDestination(ctx, testToken, 9)
			},
			wantMethod: http.MethodDelete, wantPath: "/v4/destinations/9",
		},
		{
			name:  "StartReplication",
			reply: `{"job_name":"116078.120643.sync.x"}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.StartReplication(ctx, testToken, 5)
			},
			wantMethod: http.MethodPost, wantPath: "/v4/sources/5/sync",
			check: func(t *testing.T, got any) {
				if j := got.(*connect.ReplicationJob); j.JobName != "116078.120643.sync.x" || j.AlreadyRunning {
					t.Errorf("got %+v, want the job name", j)
				}
			},
		},
		{
			name:  "StartReplication already running",
			reply: `{"error":{"type":"already_running","message":"Did not create job"}}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return c.StartReplication(ctx, testToken, 5)
			},
			wantMethod: http.MethodPost, wantPath: "/v4/sources/5/sync",
			check: func(t *testing.T, got any) {
				if j := got.(*connect.ReplicationJob); !j.AlreadyRunning || j.Message != "Did not create job" || j.JobName != "" {
					t.Errorf("got %+v, want already running with the message", j)
				}
			},
		},
		{
			name:  "StopReplication",
			reply: `{"status":200}`,
			call: func(ctx context.Context, c *connect.Client) (any, error) {
				return nil, c.StopReplication(ctx, testToken, 5)
			},
			wantMethod: http.MethodDelete, wantPath: "/v4/sources/5/sync",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder(t, reply{status: http.StatusOK, body: tt.reply})
			c := newTestClient(t, rec)
			got, err := tt.call(context.Background(), c)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			req := rec.mustOneRequest(t)
			if req.Method != tt.wantMethod || req.Path != tt.wantPath {
				t.Errorf("got %s %s, want %s %s", req.Method, req.Path, tt.wantMethod, tt.wantPath)
			}
			assertHeaders(t, req, tt.noAuth, tt.wantBody != "", tt.wantForm)
			switch {
			case tt.wantBody == "":
				if len(req.Body) != 0 {
					t.Errorf("got body %q, want none", req.Body)
				}
			case tt.wantForm:
				if string(req.Body) != tt.wantBody {
					t.Errorf("got form %q, want %q", req.Body, tt.wantBody)
				}
			default:
				mustJSONEqual(t, req.Body, tt.wantBody)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func assertHeaders(t *testing.T, req recorded, noAuth, hasBody, form bool) {
	t.Helper()
	wantAuth := "Bearer " + testToken
	if noAuth {
		wantAuth = ""
	}
	if got := req.Header.Get("Authorization"); got != wantAuth {
		t.Errorf("got Authorization %q, want %q", got, wantAuth)
	}
	if got := req.Header.Get("Accept"); got != "application/json" {
		t.Errorf("got Accept %q, want application/json", got)
	}
	if got := req.Header.Get("User-Agent"); got != testUserAgent {
		t.Errorf("got User-Agent %q, want %q", got, testUserAgent)
	}
	wantCT := ""
	switch {
	case form:
		wantCT = "application/x-www-form-urlencoded"
	case hasBody:
		wantCT = "application/json"
	}
	if got := req.Header.Get("Content-Type"); got != wantCT {
		t.Errorf("got Content-Type %q, want %q", got, wantCT)
	}
}

func TestNewDefaultsAndBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []connect.Option
		want string
	}{
		{name: "default", want: connect.DefaultBaseURL},
		{name: "prefix", opts: []connect.Option{connect.WithBaseURL("http://127.0.0.1:8080/_stitch")}, want: "http://127.0.0.1:8080/_stitch"},
		{name: "trailing slash", opts: []connect.Option{connect.WithBaseURL("http://127.0.0.1:8080/_stitch/")}, want: "http://127.0.0.1:8080/_stitch"},
		{name: "query dropped", opts: []connect.Option{connect.WithBaseURL("https://api.example.com?x=1")}, want: "https://api.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := connect.New(tt.opts...).BaseURL(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInvalidBaseURL(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"::not a url", "ftp://x", "/relative"} {
		t.Run(raw, func(t *testing.T) {
			t.Parallel()
			c := connect.New(connect.WithBaseURL(raw))
			_, err := c.ListSources(context.Background(), testToken)
			if err == nil || !strings.Contains(err.Error(), "invalid base URL") {
				t.Errorf("got %v, want an invalid base URL error", err)
			}
			if c.BaseURL() != "" {
				t.Errorf("got base URL %q, want empty when invalid", c.BaseURL())
			}
		})
	}
}

func TestPartnerCredentialsRequired(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t)
	c, _ := connecttest.NewClient(t, rec)
	if _, err := c.CreateAccount(context.Background(), connect.CreateAccountRequest{Email: "a@b.c"}); !errors.Is(err, connect.ErrNoPartnerCredentials) {
		t.Errorf("CreateAccount: got %v, want ErrNoPartnerCredentials", err)
	}
	if _, err := c.ExchangeCode(context.Background(), "code"); !errors.Is(err, connect.ErrNoPartnerCredentials) {
		t.Errorf("ExchangeCode: got %v, want ErrNoPartnerCredentials", err)
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("got %d requests, want 0", n)
	}
}

func TestMalformedAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		call func(context.Context, *connect.Client) error
		want string
	}{
		{name: "invalid JSON", body: `{"id":`, call: func(ctx context.Context, c *connect.Client) error {
			_, err := c.GetSource(ctx, testToken, 1)
			return err
		}, want: "decode GET /v4/sources/1 response"},
		{name: "session without token", body: `{}`, call: func(ctx context.Context, c *connect.Client) error {
			_, err := c.CreateEphemeralSession(ctx, testToken)
			return err
		}, want: "no ephemeral_token"},
		{name: "sync without job name", body: `{}`, call: func(ctx context.Context, c *connect.Client) error {
			_, err := c.StartReplication(ctx, testToken, 1)
			return err
		}, want: "no job_name"},
		{name: "sync invalid JSON", body: `nope`, call: func(ctx context.Context, c *connect.Client) error {
			_, err := c.StartReplication(ctx, testToken, 1)
			return err
		}, want: "decode POST /v4/sources/1/sync"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, newRecorder(t, reply{status: http.StatusOK, body: tt.body}))
			err := tt.call(context.Background(), c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
			var apiErr *connect.Error
			if errors.As(err, &apiErr) {
				t.Errorf("got *connect.Error %v, want a decode error", apiErr)
			}
		})
	}
}

func TestStartReplicationOtherErrorWith200(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, newRecorder(t, reply{status: http.StatusOK, body: `{"error":{"type":"generic","message":"Could not create job"}}`}))
	_, err := c.StartReplication(context.Background(), testToken, 5)
	var apiErr *connect.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %v, want *connect.Error", err)
	}
	if apiErr.Status != http.StatusOK || apiErr.Code != "generic" || apiErr.Message != "Could not create job" || apiErr.Path != "/v4/sources/5/sync" {
		t.Errorf("got %+v, want 200 generic with message and path", apiErr)
	}
}

func TestResponseSizeLimit(t *testing.T) {
	t.Parallel()
	const limit = 64
	big := `{"id":1,"display_name":"` + strings.Repeat("x", 200) + `"}`
	exact := `{"id":1,"display_name":"` + strings.Repeat("x", limit-len(`{"id":1,"display_name":""}`)) + `"}`
	tests := []struct {
		name    string
		body    string
		chunked bool
		wantErr bool
	}{
		{name: "content-length over limit", body: big, wantErr: true},
		{name: "chunked over limit", body: big, chunked: true, wantErr: true},
		{name: "exactly the limit", body: exact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !tt.chunked {
					w.Header().Set("Content-Length", strconv.Itoa(len(tt.body)))
				}
				_, _ = io.WriteString(w, tt.body)
				if f, ok := w.(http.Flusher); ok && tt.chunked {
					f.Flush()
				}
			})
			c := newTestClient(t, h, connect.WithMaxResponseBytes(limit))
			src, err := c.GetSource(context.Background(), testToken, 1)
			if tt.wantErr {
				if !errors.Is(err, connect.ErrResponseTooLarge) {
					t.Fatalf("got %v, want ErrResponseTooLarge", err)
				}
				return
			}
			if err != nil || src.ID != 1 {
				t.Fatalf("got %v %v, want source 1", src, err)
			}
		})
	}
}
