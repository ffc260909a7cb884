package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Documented family-B messages (API.md §8.4).
const (
	msgPostBody = "POST body may only include a non-empty type, a non-empty display_name and map of string properties"
	msgPutBody  = "PUT body many only include the keys: display_name, properties, and paused_at"
	msgBadName  = "The name field must be under 50 characters, and can only contain lowercase letters, numbers, underscores, or dollar signs. It must begin with a letter or an underscore."
	msgNoCron   = "access to cron_expression based scheduling is not permitted"
)

// sourceJSON is a Source object (§8.1).
type sourceJSON struct {
	ID             int64          `json:"id"`
	Type           string         `json:"type"`
	Name           string         `json:"name"`
	DisplayName    string         `json:"display_name"`
	Properties     map[string]any `json:"properties"`
	ReportCard     reportCardJSON `json:"report_card"`
	Schedule       *scheduleJSON  `json:"schedule"`
	CheckJobName   string         `json:"check_job_name,omitempty"`
	StitchClientID int64          `json:"stitch_client_id"`
	CreatedAt      string         `json:"created_at"`
	UpdatedAt      string         `json:"updated_at"`
	PausedAt       *string        `json:"paused_at"`
	SystemPausedAt *string        `json:"system_paused_at"`
	DeletedAt      *string        `json:"deleted_at"`
}

// scheduleJSON is a Schedule object (§6.6).
type scheduleJSON struct {
	Type           string   `json:"type"`
	Unit           string   `json:"unit,omitempty"`
	Interval       *float64 `json:"interval,omitempty"`
	CronExpression string   `json:"cron_expression,omitempty"`
	NextFireTime   string   `json:"next_fire_time"`
}

// pathID parses the numeric {id} of the path.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// pathSource returns the caller's source named by {id}, refreshed, or nil.
// Callers hold s.mu.
func (s *Server) pathSource(r *http.Request, acct int64) *source {
	id, ok := pathID(r)
	if !ok {
		return nil
	}
	src := s.st.sourceOf(acct, id)
	if src != nil {
		s.refresh(src)
	}
	return src
}

// refresh applies what happened since the last read: a finished connection
// check (discovery) and a finished replication job.
func (s *Server) refresh(src *source) {
	now := s.now()
	if c := src.check; c != nil && !c.applied && c.done(now) {
		c.applied = true
		src.discovered = c.failure == ""
		if src.discovered {
			s.discover(src)
		}
	}
	s.settleExtractions(src, now) // a finished job becomes the last extraction
	s.maybeStartExtraction(src)
}

func (s *Server) sourceState(src *source) cardState {
	return cardState{provided: providedFn(src.values), discovered: src.discovered, selected: anyReplicated(src)}
}

// maybeStartCheck starts a connection check when the source has reached
// discover_schema (every earlier step satisfied).
func (s *Server) maybeStartCheck(src *source) {
	if hasStep(src.t, stepDiscover) && reachedDiscovery(src.t, s.sourceState(src)) {
		src.check = s.newCheck(src.account, src.id, src.t, src.values)
	}
}

func (s *Server) sourceView(src *source) sourceJSON {
	rc := card(src.t, true, s.sourceState(src))
	props := publicValues(src.t, src.values)
	if src.t.prop("cron_expression") != nil {
		if _, ok := props["cron_expression"]; !ok {
			props["cron_expression"] = nil
		}
	}
	j := sourceJSON{
		ID: src.id, Type: src.t.Type, Name: src.name, DisplayName: src.displayName,
		Properties: props, ReportCard: rc, StitchClientID: src.account,
		CreatedAt: stamp(src.created), UpdatedAt: stamp(src.updated),
		PausedAt: stampPtr(src.paused), DeletedAt: stampPtr(src.deleted),
	}
	if src.check != nil {
		j.CheckJobName = src.check.name
	}
	if src.deleted == nil && src.paused == nil && rc.CurrentStepType == stepDone {
		j.Schedule = s.schedule(src)
	}
	return j
}

// schedule derives the Schedule object: cron wins over frequency (+ anchor).
// next_fire_time is exact for intervals and approximate (next hour) for cron.
func (s *Server) schedule(src *source) *scheduleJSON {
	now := s.now().UTC()
	if cron := stringValue(src.values, "cron_expression"); cron != "" {
		return &scheduleJSON{Type: "cron", CronExpression: cron, NextFireTime: stamp(now.Truncate(time.Hour).Add(time.Hour))}
	}
	freq, err := strconv.Atoi(stringValue(src.values, "frequency_in_minutes"))
	if err != nil || freq <= 0 {
		freq = src.t.DefaultFrequency
	}
	if freq <= 0 {
		freq = 60
	}
	every := time.Duration(freq) * time.Minute
	next := now.Truncate(every).Add(every)
	if anchor, err := time.Parse(time.RFC3339, stringValue(src.values, "anchor_time")); err == nil {
		next = anchor
		if !anchor.After(now) {
			next = anchor.Add((now.Sub(anchor)/every + 1) * every)
		}
	}
	interval := float64(freq)
	return &scheduleJSON{Type: "interval", Unit: "minute", Interval: &interval, NextFireTime: stamp(next)}
}

var validName = regexp.MustCompile(`^[a-z_][a-z0-9_$]*$`)

// deriveName turns a display name into a source name (§8.2): lowercase,
// spaces to underscores, other disallowed characters dropped.
func deriveName(display string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(display) {
		switch {
		case r == ' ':
			b.WriteByte('_')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '$':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cronError returns the InvalidCronExpression message for expr, or "".
func cronError(expr string) string {
	f := strings.Fields(expr)
	switch {
	case len(f) < 6 || len(f) > 7:
		return fmt.Sprintf("cron_expression %q is invalid: Unexpected end of expression.", expr)
	case f[3] != "?" && f[5] != "?":
		return fmt.Sprintf("cron_expression %q is invalid: Support for specifying both a day-of-week AND a day-of-month parameter is not implemented.", expr)
	case f[3] == "?" && f[5] == "?":
		return fmt.Sprintf("cron_expression %q is invalid: '?' can only be specified for Day-of-Month -OR- Day-of-Week.", expr)
	}
	return ""
}

// checkCron answers the cron errors (AccessDenied, InvalidCronExpression)
// and reports whether it did.
func checkCron(w http.ResponseWriter, acc *account, t *TypeDef, values map[string]any, in map[string]any) bool {
	if _, sent := in["cron_expression"]; !sent {
		return false
	}
	expr := stringValue(values, "cron_expression")
	if expr == "" {
		return false
	}
	if (acc != nil && acc.noCron()) || t.CronUnsupported {
		errorB(w, "AccessDenied", msgNoCron, nil)
		return true
	}
	if msg := cronError(expr); msg != "" {
		errorB(w, "InvalidCronExpression", msg, nil)
		return true
	}
	return false
}

// badProperties answers 400 InvalidProperties with the current report card.
func badProperties(w http.ResponseWriter, bad []string, rc reportCardJSON) {
	errorB(w, "InvalidProperties", "properties do not match schema", map[string]any{"bad_properties": bad, "report_card": rc})
}

// createSource answers POST /v4/sources.
func (s *Server) createSource(w http.ResponseWriter, r *http.Request, acct int64) {
	body, err := decodeObject(r)
	if err != nil {
		errorB(w, "InvalidBody", msgPostBody, nil)
		return
	}
	for k := range body {
		switch k {
		case "type", "display_name", "properties", "destination_id":
		default:
			errorB(w, "InvalidBody", msgPostBody, nil)
			return
		}
	}
	typ, _ := body["type"].(string)
	display, _ := body["display_name"].(string)
	in, propsOK := objectOrEmpty(body["properties"])
	if _, isNum := body["destination_id"].(json.Number); body["destination_id"] != nil && !isNum {
		propsOK = false
	}
	if typ == "" || strings.TrimSpace(display) == "" || !propsOK {
		errorB(w, "InvalidBody", msgPostBody, nil)
		return
	}
	t, ok := s.cat.Sources[typ]
	if !ok {
		errorB(w, "InvalidType", fmt.Sprintf("invalid source type (%s)", typ), nil)
		return
	}
	if !s.sourceAccess(acct, t) {
		errorB(w, "AccessDenied", fmt.Sprintf("you do not have access to source type (%s)", typ), nil)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	name := deriveName(display)
	if name == "" {
		errorB(w, "InvalidDisplayName", fmt.Sprintf("invalid name after deriving it from display_name (%s -> %s)", display, name), nil)
		return
	}
	if len(name) >= 50 || !validName.MatchString(name) {
		errorB(w, "InvalidName", msgBadName, nil)
		return
	}
	for _, o := range s.st.sources {
		if o.account != acct || o.deleted != nil {
			continue
		}
		if o.displayName == display {
			errorB(w, "InvalidName", fmt.Sprintf("non-unique name (%s)", name), nil)
			return
		}
		if o.name == name {
			errorB(w, "InvalidName", fmt.Sprintf("non-unique name after deriving it from display_name (%s -> %s)", display, name), nil)
			return
		}
	}
	values, bad := s.applyProps("sources", t, nil, in, true)
	if bad != nil {
		badProperties(w, bad, typeCard(t, true))
		return
	}
	if checkCron(w, s.st.accounts[acct], t, values, in) {
		return
	}
	setSystemValues(t, values, false)
	values["product"] = "pipeline"
	if t.prop("frequency_in_minutes") != nil && values["frequency_in_minutes"] == nil && values["cron_expression"] == nil && t.DefaultFrequency > 0 {
		values["frequency_in_minutes"] = strconv.Itoa(t.DefaultFrequency)
	}
	now := s.now()
	s.st.nextSource++
	src := &source{id: s.st.nextSource, account: acct, t: t, name: name, displayName: display, values: values, created: now, updated: now}
	s.st.sources[src.id] = src
	s.maybeStartCheck(src)
	writeJSON(w, http.StatusOK, s.sourceView(src))
	arm(src.check)
}

// setSystemValues stores the values Stitch sets on create: read_only
// properties with a system value and, for destinations, form-step
// system_provided_by_default ones the request left out (e.g. sentinel_key).
func setSystemValues(t *TypeDef, values map[string]any, dest bool) {
	for _, p := range t.Properties {
		if p.SystemValue == nil {
			continue
		}
		_, has := values[p.Name]
		switch {
		case p.Kind == kindReadOnly:
			values[p.Name] = stringify(p.SystemValue)
		case dest && p.Kind == kindSystemDefault && p.Step == stepForm && !has:
			values[p.Name] = stringify(p.SystemValue)
		}
	}
}

// objectOrEmpty returns v as an object; absent or null is an empty object.
func objectOrEmpty(v any) (map[string]any, bool) {
	if v == nil {
		return map[string]any{}, true
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// listSources answers GET /v4/sources: every source of the account,
// including paused and deleted ones.
func (s *Server) listSources(w http.ResponseWriter, _ *http.Request, acct int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mine := s.st.accountSources(acct)
	out := make([]sourceJSON, 0, len(mine))
	for _, src := range mine {
		s.refresh(src)
		out = append(out, s.sourceView(src))
	}
	writeJSON(w, http.StatusOK, out)
}

// getSource answers GET /v4/sources/{id}; unknown ids (and other accounts'
// sources) are 404 without a body (§21).
func (s *Server) getSource(w http.ResponseWriter, r *http.Request, acct int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.pathSource(r, acct)
	if src == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, s.sourceView(src))
}

// liveSource returns the caller's source named by {id} unless deleted;
// otherwise it answers 400 InvalidId. Callers hold s.mu.
func (s *Server) liveSource(w http.ResponseWriter, r *http.Request, acct int64) *source {
	src := s.pathSource(r, acct)
	if src == nil || src.deleted != nil {
		errorB(w, "InvalidId", fmt.Sprintf("source not found (%s)", r.PathValue("id")), nil)
		return nil
	}
	return src
}

// updateSource answers PUT /v4/sources/{id}: update, pause and unpause.
func (s *Server) updateSource(w http.ResponseWriter, r *http.Request, acct int64) {
	body, err := decodeObject(r)
	if err != nil {
		errorB(w, "InvalidBody", msgPutBody, nil)
		return
	}
	for k := range body {
		switch k {
		case "display_name", "properties", "paused_at", "destination_id":
		default:
			errorB(w, "InvalidBody", msgPutBody, nil)
			return
		}
	}
	in, ok := objectOrEmpty(body["properties"])
	if !ok {
		errorB(w, "InvalidBody", msgPutBody, nil)
		return
	}
	var pausedAt *time.Time
	pv, pauseSent := body["paused_at"]
	if pauseSent && pv != nil {
		str, _ := pv.(string)
		t, err := time.Parse(time.RFC3339, str)
		if err != nil {
			errorB(w, "InvalidBody", msgPutBody, nil)
			return
		}
		pausedAt = &t
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.liveSource(w, r, acct)
	if src == nil {
		return
	}
	display := src.displayName
	if dv, sent := body["display_name"]; sent {
		str, _ := dv.(string)
		if strings.TrimSpace(str) == "" {
			errorB(w, "InvalidDisplayName", fmt.Sprintf("invalid display_name (%v)", dv), nil)
			return
		}
		display = str
	}
	values, bad := s.applyProps("sources", src.t, src.values, in, false)
	if bad != nil {
		badProperties(w, bad, card(src.t, true, s.sourceState(src)))
		return
	}
	if checkCron(w, s.st.accounts[acct], src.t, values, in) {
		return
	}
	src.values, src.displayName, src.updated = values, display, s.now()
	if pauseSent {
		src.paused = pausedAt
	}
	if len(in) > 0 {
		s.maybeStartCheck(src)
	}
	s.maybeStartExtraction(src) // an unpause may let the first one run
	writeJSON(w, http.StatusOK, s.sourceView(src))
	arm(src.check)
}

// deleteSource answers DELETE /v4/sources/{id}: the source stays listed and
// retrievable with deleted_at set.
func (s *Server) deleteSource(w http.ResponseWriter, r *http.Request, acct int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.liveSource(w, r, acct)
	if src == nil {
		return
	}
	now := s.now()
	src.deleted, src.updated, src.job = &now, now, nil
	writeJSON(w, http.StatusOK, s.sourceView(src))
}
