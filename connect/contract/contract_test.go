// Package contract holds one suite of Connect API contract cases run through
// the connect client: always against the emulator over loopback, and against
// real Stitch when STITCH_API_URL and STITCH_TEST_TOKEN are set. Each proves
// the other: the client speaks the documented API, the emulator answers it.
package contract

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/connect/connecttest"
	"github.com/onramp/onramp/emulator"
)

const (
	partnerID     = "oc_contract"
	partnerSecret = "oc_contract_secret"
)

// target is an API the suite runs against.
type target struct {
	client *connect.Client
	// newToken returns an access token of a fresh (emulator) or the test (real) account.
	newToken func(t *testing.T) string
	// emu and srv are set for the emulator only; cases needing them are emulator-only.
	emu   *emulator.Server
	srv   *connecttest.Server
	clock *fakeClock
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func emulatorTarget(t *testing.T) *target {
	t.Helper()
	clock := &fakeClock{t: time.Now().UTC()}
	emu, err := emulator.New(emulator.Config{
		PartnerID: partnerID, PartnerSecret: partnerSecret, CheckDelay: 0,
		JobDuration: time.Hour, Now: clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	client, srv := connecttest.NewClient(t, emu, connect.WithPartner(partnerID, partnerSecret))
	var n int
	var mu sync.Mutex
	return &target{
		client: client, emu: emu, srv: srv, clock: clock,
		newToken: func(t *testing.T) string {
			mu.Lock()
			n++
			email := "contract" + time.Now().Format("150405.000000") + string(rune('a'+n%26)) + "@example.com"
			mu.Unlock()
			tok, _ := emu.NewAccount(email)
			return tok
		},
	}
}

func TestContractEmulator(t *testing.T) {
	runSuite(t, emulatorTarget(t))
}

func TestContractRealStitch(t *testing.T) {
	base, tok := os.Getenv("STITCH_API_URL"), os.Getenv("STITCH_TEST_TOKEN")
	if base == "" || tok == "" {
		t.Skip("contract suite against real Stitch not run: set STITCH_API_URL and STITCH_TEST_TOKEN (an access token of a disposable test account) to run it")
	}
	runSuite(t, &target{
		client:   connect.New(connect.WithBaseURL(base), connect.WithTimeout(30*time.Second)),
		newToken: func(*testing.T) string { return tok },
	})
}

type contractCase struct {
	name         string
	emulatorOnly bool
	run          func(t *testing.T, tg *target)
}

func runSuite(t *testing.T, tg *target) {
	for _, c := range cases {
		if c.emulatorOnly && tg.emu == nil {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					f, ok := r.(failure)
					if !ok {
						panic(r)
					}
					t.Fatalf("unexpected error: %v", f.err)
				}
			}()
			c.run(t, tg)
		})
	}
}

var ctx = context.Background()

// failure carries an unexpected error out of must to the case runner.
type failure struct{ err error }

// must returns v, or ends the running case when err is not nil (runSuite
// turns the panic into t.Fatalf); it keeps the cases readable.
func must[T any](v T, err error) T {
	if err != nil {
		panic(failure{err})
	}
	return v
}

func asError(t *testing.T, err error) *connect.Error {
	t.Helper()
	var e *connect.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want a *connect.Error", err)
	}
	return e
}

// waitStep polls a source until its report card reaches one of the steps.
func waitStep(t *testing.T, tg *target, tok string, id connect.Int, steps ...string) *connect.Source {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		src := must(tg.client.GetSource(ctx, tok, id))
		if slices.Contains(steps, src.ReportCard.CurrentStepType) {
			return src
		}
		if time.Now().After(deadline) {
			t.Fatalf("source %d stuck at %q, want one of %v", id, src.ReportCard.CurrentStepType, steps)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func uniqueName(prefix string) string {
	return prefix + " " + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
}

func mysqlProps(password string) map[string]any {
	return map[string]any{
		"host": "db.example.com", "port": "3306", "user": "stitch", "password": password,
		"database": "shop", "frequency_in_minutes": "60",
	}
}

var cases = []contractCase{
	{name: "source types", run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		list := must(tg.client.ListSourceTypes(ctx, tok))
		usable := 0
		for _, rc := range list {
			if rc.Usable() {
				usable++
			}
		}
		if usable < 15 {
			t.Fatalf("got %d usable source types, want ≥ 15", usable)
		}
		rc := must(tg.client.GetSourceType(ctx, tok, "platform.hubspot"))
		if rc.CurrentStepType != connect.StepForm || rc.CurrentStep != 1 || rc.Details == nil {
			t.Fatalf("hubspot card: got step %d %q details %v", rc.CurrentStep, rc.CurrentStepType, rc.Details)
		}
		if _, ok := rc.Step(connect.StepOAuth); !ok {
			t.Fatal("hubspot card has no oauth step")
		}
		_, err := tg.client.GetSourceType(ctx, tok, "platform.does-not-exist")
		if !connect.IsNotFound(err) {
			t.Fatalf("unknown type: got %v, want not found", err)
		}
	}},
	{name: "destination types", run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		list := must(tg.client.ListDestinationTypes(ctx, tok))
		if len(list) < 5 {
			t.Fatalf("got %d destination types, want ≥ 5", len(list))
		}
		rc := must(tg.client.GetDestinationType(ctx, tok, "postgres"))
		if _, ok := rc.Step(connect.StepForm); !ok {
			t.Fatal("postgres card has no form step")
		}
	}},
	{name: "mysql to fully configured", run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		src := must(tg.client.CreateSource(ctx, tok, connect.CreateSourceRequest{Type: "platform.mysql", DisplayName: uniqueName("Contract MySQL"), Properties: mysqlProps("s3cret")}))
		if src.ID == 0 || src.ReportCard.CurrentStepType != connect.StepDiscoverSchema {
			t.Fatalf("create: got id %d step %q, want discover_schema", src.ID, src.ReportCard.CurrentStepType)
		}
		if _, ok := src.Properties["password"]; ok {
			t.Fatal("the password came back in the source")
		}
		if src.Properties["port"] != "3306" {
			t.Fatalf("port: got %#v, want the string \"3306\"", src.Properties["port"])
		}
		src = waitStep(t, tg, tok, src.ID, connect.StepFieldSelection)
		chk := must(tg.client.SourceLastConnectionCheck(ctx, tok, src.ID))
		if chk.Status != connect.CheckSucceeded || chk.Mode != "check" {
			t.Fatalf("check: got %+v", chk)
		}
		streams := must(tg.client.ListStreams(ctx, tok, src.ID))
		if len(streams) == 0 {
			t.Fatal("no streams discovered")
		}
		schema := must(tg.client.GetStreamSchema(ctx, tok, src.ID, streams[0].StreamID))
		var js map[string]any
		if err := json.Unmarshal(schema.Schema, &js); err != nil || js["properties"] == nil {
			t.Fatalf("stream schema is not a JSON schema with properties: %v", err)
		}
		if !slices.Contains(schema.NonDiscoverableMetadataKeys, "selected") {
			t.Fatalf("non-discoverable keys: got %v", schema.NonDiscoverableMetadataKeys)
		}
		err := tg.client.UpdateStreamMetadata(ctx, tok, src.ID, []connect.StreamMetadataUpdate{{
			TapStreamID: streams[0].TapStreamID,
			Metadata:    []connect.MetadataEntry{{Breadcrumb: []string{}, Metadata: map[string]any{"selected": true, "replication-method": "FULL_TABLE"}}},
		}})
		if err != nil {
			t.Fatalf("select stream: %v", err)
		}
		src = waitStep(t, tg, tok, src.ID, connect.StepFullyConfigured)

		job := must(tg.client.StartReplication(ctx, tok, src.ID))
		if job.JobName == "" || job.AlreadyRunning {
			t.Fatalf("sync: got %+v", job)
		}
		again := must(tg.client.StartReplication(ctx, tok, src.ID))
		if !again.AlreadyRunning {
			t.Fatalf("second sync: got %+v, want already running", again)
		}
		if err := tg.client.StopReplication(ctx, tok, src.ID); err != nil {
			t.Fatalf("stop: %v", err)
		}
		paused := must(tg.client.PauseSource(ctx, tok, src.ID, time.Now()))
		if paused.PausedAt == nil {
			t.Fatal("pause: paused_at not set")
		}
		unpaused := must(tg.client.UnpauseSource(ctx, tok, src.ID))
		if unpaused.PausedAt != nil {
			t.Fatal("unpause: paused_at still set")
		}
		list := must(tg.client.ListSources(ctx, tok))
		if !slices.ContainsFunc(list, func(s connect.Source) bool { return s.ID == src.ID }) {
			t.Fatal("source missing from the list")
		}
		del := must(tg.client.DeleteSource(ctx, tok, src.ID))
		if del.DeletedAt == nil {
			t.Fatal("delete: deleted_at not set")
		}
		if got := must(tg.client.GetSource(ctx, tok, src.ID)); got.DeletedAt == nil {
			t.Fatal("a deleted source must stay retrievable with deleted_at")
		}
	}},
	{name: "failed check then recovery", run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		src := must(tg.client.CreateSource(ctx, tok, connect.CreateSourceRequest{Type: "platform.mysql", DisplayName: uniqueName("Bad Pw"), Properties: mysqlProps("wrong")}))
		deadline := time.Now().Add(10 * time.Second)
		for {
			chk := must(tg.client.SourceLastConnectionCheck(ctx, tok, src.ID))
			if chk.Status == connect.CheckFailed {
				if !chk.Error || chk.DiscoveryErrorMessage == nil || !strings.Contains(*chk.DiscoveryErrorMessage, "password") {
					t.Fatalf("failed check: got %+v", chk)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("check never failed: %+v", chk)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if s := must(tg.client.GetSource(ctx, tok, src.ID)); s.ReportCard.CurrentStepType != connect.StepDiscoverSchema {
			t.Fatalf("after a failed check: got %q, want discover_schema", s.ReportCard.CurrentStepType)
		}
		upd := must(tg.client.UpdateSource(ctx, tok, src.ID, connect.UpdateSourceRequest{Properties: map[string]any{"password": "right"}}))
		if upd.CheckJobName == "" {
			t.Fatal("update did not start a connection check")
		}
		waitStep(t, tg, tok, src.ID, connect.StepFieldSelection)
	}},
	{name: "hubspot oauth hand-off", run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		src := must(tg.client.CreateSource(ctx, tok, connect.CreateSourceRequest{Type: "platform.hubspot", DisplayName: uniqueName("HubSpot"),
			Properties: map[string]any{"start_date": "2024-01-01T00:00:00Z", "frequency_in_minutes": "30"}}))
		if src.ReportCard.CurrentStepType != connect.StepOAuth || src.ReportCard.CurrentStep != 2 {
			t.Fatalf("create: got %d %q, want 2 oauth", src.ReportCard.CurrentStep, src.ReportCard.CurrentStepType)
		}
		eph := must(tg.client.CreateEphemeralSession(ctx, tok))
		if eph == "" {
			t.Fatal("empty ephemeral token")
		}
		if tg.emu == nil {
			return // Stitch's managed authorization needs a person in Stitch's window.
		}
		body := strings.NewReader(`{"ephemeral_token":"` + eph + `","source_id":` + src.ID.String() + `}`)
		resp, err := tg.srv.Client().Post(tg.srv.BaseURL()+"/v2/js-client/authorize", "application/json", body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("authorize in the js-client: %v %v", err, resp)
		}
		resp.Body.Close()
		got := waitStep(t, tg, tok, src.ID, connect.StepDiscoverSchema, connect.StepFieldSelection)
		oauth, _ := got.ReportCard.Step(connect.StepOAuth)
		for _, p := range oauth.Properties {
			if p.IsRequired && !p.Provided {
				t.Fatalf("oauth property %s not provided after authorization", p.Name)
			}
			if _, ok := got.Properties[p.Name]; ok && p.IsCredential {
				t.Fatalf("credential %s returned", p.Name)
			}
		}
	}},
	{name: "google analytics with own oauth properties", run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		src := must(tg.client.CreateSource(ctx, tok, connect.CreateSourceRequest{Type: "platform.google-analytics", DisplayName: uniqueName("GA"),
			Properties: map[string]any{"start_date": "2024-01-01T00:00:00Z", "report_definitions": []any{map[string]any{"name": "Traffic", "id": "a53305a5"}}}}))
		if src.ReportCard.CurrentStepType != connect.StepOAuth {
			t.Fatalf("create: got %q, want oauth", src.ReportCard.CurrentStepType)
		}
		if defs, ok := src.Properties["report_definitions"].([]any); !ok || len(defs) != 1 {
			t.Fatalf("report_definitions: got %#v, want an array of one", src.Properties["report_definitions"])
		}
		upd := must(tg.client.UpdateSource(ctx, tok, src.ID, connect.UpdateSourceRequest{Properties: map[string]any{
			"client_id": "cid", "client_secret": "csecret", "refresh_token": "rtoken", "view_id": "143355753"}}))
		if upd.Properties["view_id"] != "143355753" {
			t.Fatalf("view_id: got %#v", upd.Properties["view_id"])
		}
		for _, k := range []string{"client_secret", "refresh_token"} {
			if _, ok := upd.Properties[k]; ok {
				t.Fatalf("credential %s returned", k)
			}
		}
		waitStep(t, tg, tok, src.ID, connect.StepDiscoverSchema, connect.StepFieldSelection)
	}},
	{name: "invalid and read-only properties", run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		props := mysqlProps("pw")
		props["port"] = "not-a-port"
		_, err := tg.client.CreateSource(ctx, tok, connect.CreateSourceRequest{Type: "platform.mysql", DisplayName: uniqueName("Bad"), Properties: props})
		e := asError(t, err)
		if e.Status != 400 || e.Code != "InvalidProperties" || !slices.Contains(e.BadProperties, "port") || e.ReportCard == nil || e.Message != "properties do not match schema" {
			t.Fatalf("invalid property: got %+v", e)
		}
		if !connect.IsInvalidProperties(err) {
			t.Fatal("IsInvalidProperties is false")
		}
		props = mysqlProps("pw")
		props["image_version"] = "9.latest"
		_, err = tg.client.CreateSource(ctx, tok, connect.CreateSourceRequest{Type: "platform.mysql", DisplayName: uniqueName("RO"), Properties: props})
		if e := asError(t, err); e.Code != "InvalidProperties" || !slices.Contains(e.BadProperties, "image_version") {
			t.Fatalf("read-only property: got %+v", e)
		}
		_, err = tg.client.CreateSource(ctx, tok, connect.CreateSourceRequest{Type: "platform.nope", DisplayName: uniqueName("X")})
		if e := asError(t, err); e.Code != "InvalidType" {
			t.Fatalf("invalid type: got %+v", e)
		}
	}},
	{name: "destination lifecycle", run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		props := map[string]any{"host": "db.example.com", "port": "5432", "username": "stitch", "password": "pw", "database": "dw", "encryption_type": "none", "ssl": true}
		d := must(tg.client.CreateDestination(ctx, tok, connect.CreateDestinationRequest{Type: "postgres", Name: "Staging", Properties: props}))
		if d.ID == 0 || d.Properties["ssl"] != "true" {
			t.Fatalf("create: got %+v", d)
		}
		if _, ok := d.Properties["password"]; ok {
			t.Fatal("destination password returned")
		}
		if _, err := tg.client.CreateDestination(ctx, tok, connect.CreateDestinationRequest{Type: "postgres", Properties: props}); asError(t, err).Message != "you are at your destination limit" {
			t.Fatalf("second destination: got %v", err)
		}
		list := must(tg.client.ListDestinations(ctx, tok))
		if len(list) != 1 || list[0].ID != d.ID {
			t.Fatalf("list: got %d destinations", len(list))
		}
		chk := must(tg.client.DestinationLastConnectionCheck(ctx, tok, d.ID))
		if chk.Name == "" {
			t.Fatalf("destination check: got %+v", chk)
		}
		upd := must(tg.client.UpdateDestination(ctx, tok, d.ID, map[string]any{"username": "stitch_admin"}))
		if upd.Properties["username"] != "stitch_admin" {
			t.Fatalf("update: got %#v", upd.Properties["username"])
		}
		_, err := tg.client.UpdateDestination(ctx, tok, 999999999, map[string]any{"username": "x"})
		if !connect.IsNotFound(err) {
			t.Fatalf("update unknown id: got %v, want not found (invalid connection id)", err)
		}
		if err := tg.client.DeleteDestination(ctx, tok, d.ID); err != nil {
			t.Fatalf("delete: %v", err)
		}
	}},
	{name: "accounts are isolated", emulatorOnly: true, run: func(t *testing.T, tg *target) {
		a, b := tg.newToken(t), tg.newToken(t)
		src := must(tg.client.CreateSource(ctx, a, connect.CreateSourceRequest{Type: "platform.mysql", DisplayName: uniqueName("Mine"), Properties: mysqlProps("pw")}))
		if _, err := tg.client.GetSource(ctx, b, src.ID); asError(t, err).Status != 404 {
			t.Fatalf("GET another account's source: got %v, want 404", err)
		}
		_, err := tg.client.UpdateSource(ctx, b, src.ID, connect.UpdateSourceRequest{DisplayName: "Stolen"})
		if e := asError(t, err); e.Status != 400 || e.Code != "InvalidId" || !connect.IsNotFound(err) {
			t.Fatalf("PUT another account's source: got %+v, want 400 InvalidId", e)
		}
		if _, err := tg.client.DeleteSource(ctx, b, src.ID); asError(t, err).Code != "InvalidId" {
			t.Fatalf("DELETE another account's source: got %v", err)
		}
		if _, err := tg.client.ListStreams(ctx, b, src.ID); !connect.IsNotFound(err) {
			t.Fatalf("streams of another account's source: got %v", err)
		}
	}},
	{name: "revoked token", emulatorOnly: true, run: func(t *testing.T, tg *target) {
		tok := tg.newToken(t)
		must(tg.client.ListSources(ctx, tok))
		tg.emu.RevokeToken(tok)
		_, err := tg.client.ListSources(ctx, tok)
		if !connect.IsUnauthorized(err) || asError(t, err).Status != 401 {
			t.Fatalf("revoked: got %v, want 401", err)
		}
		if strings.Contains(err.Error(), tok) {
			t.Fatal("the token appears in the error text")
		}
	}},
	{name: "create account and bad partner secret", emulatorOnly: true, run: func(t *testing.T, tg *target) {
		req := connect.CreateAccountRequest{FirstName: "Ada", LastName: "L", Company: "X", Email: "new-" + time.Now().Format("150405.000000") + "@example.com", Region: "us-east-1"}
		acct := must(tg.client.CreateAccount(ctx, req))
		if !strings.HasPrefix(acct.AccessToken, "at_") || acct.StitchAccountID == 0 {
			t.Fatalf("create account: got %+v", acct)
		}
		_, err := tg.client.CreateAccount(ctx, req)
		if e := asError(t, err); e.Code != "ExistingUser" {
			t.Fatalf("same email again: got %+v", e)
		}
		bad := connect.New(connect.WithBaseURL(tg.srv.BaseURL()), connect.WithPartner(partnerID, "oc_wrong"))
		req.Email = "other-" + req.Email
		_, err = bad.CreateAccount(ctx, req)
		if e := asError(t, err); e.Status != 400 || e.Code != "BadRequest" || !slices.Contains(e.BadProperties, "partner_secret") {
			t.Fatalf("bad partner secret: got %+v", e)
		}
	}},
	{name: "oauth code exchange, reuse and expiry", emulatorOnly: true, run: func(t *testing.T, tg *target) {
		code := consentCode(t, tg, "oauth-"+time.Now().Format("150405.000000")+"@example.com")
		acct := must(tg.client.ExchangeCode(ctx, code))
		if acct.AccessToken == "" || acct.StitchAccountID == 0 || acct.TokenType != "bearer" {
			t.Fatalf("exchange: got %+v", acct)
		}
		must(tg.client.ListSources(ctx, acct.AccessToken))
		if _, err := tg.client.ExchangeCode(ctx, code); asError(t, err).Status != 400 {
			t.Fatalf("reused code: got %v, want 400", err)
		}
		late := consentCode(t, tg, "late-"+time.Now().Format("150405.000000")+"@example.com")
		tg.clock.Add(5*time.Minute + time.Second)
		if _, err := tg.client.ExchangeCode(ctx, late); asError(t, err).Status != 400 {
			t.Fatalf("expired code: got %v, want 400", err)
		}
	}},
}

// consentCode approves the emulator's account consent page and returns the code.
func consentCode(t *testing.T, tg *target, email string) string {
	t.Helper()
	hc := *tg.srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	form := url.Values{"client_id": {partnerID}, "redirect_uri": {"http://127.0.0.1:1/cb"}, "state": {"s1"}, "email": {email}, "decision": {"approve"}}
	resp, err := hc.PostForm(tg.srv.BaseURL()+"/oauth/authorization", form)
	if err != nil {
		t.Fatalf("consent: %v", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "s1" {
		t.Fatalf("consent redirect %q lacks code or state", resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}
