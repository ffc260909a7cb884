package emulator

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Documented bare-string destination errors (§12.5), sent as JSON strings.
const (
	msgDestLimit    = "you are at your destination limit"
	msgDestPostBody = "POST body may only include a type, a name, a description, map of properties, and boolean for unmapped sources"
	msgDestType     = "this API endpoint does not support modifying destination type"
	msgDestBadID    = "invalid connection id"
	msgDestGetQuery = "GET may only include the params: source_id and/or destination_id"
	// Invented (undocumented situations).
	msgDestPutBody = "PUT body may only include a type, a name, a description and a map of properties"
)

// destinationJSON is a v4 Destination object (§12.1).
type destinationJSON struct {
	ID             int64          `json:"id"`
	Type           string         `json:"type"`
	Name           string         `json:"name"`
	Description    string         `json:"description"`
	DisplayName    *string        `json:"display_name"`
	Properties     map[string]any `json:"properties"`
	ReportCard     reportCardJSON `json:"report_card"`
	CheckJobName   string         `json:"check_job_name,omitempty"`
	StitchClientID int64          `json:"stitch_client_id"`
	CreatedAt      string         `json:"created_at"`
	UpdatedAt      string         `json:"updated_at"`
	PausedAt       *string        `json:"paused_at"`
	SystemPausedAt *string        `json:"system_paused_at"`
	DeletedAt      *string        `json:"deleted_at"`
}

// destState: fully configured once the form is complete and the connection
// check has not failed (the create response already shows step 2, §12.2).
func (s *Server) destState(d *destination) cardState {
	ok := d.check != nil && !(d.check.done(s.now()) && d.check.failure != "")
	return cardState{provided: providedFn(d.values), checkOK: ok, dest: true}
}

func (s *Server) destView(d *destination) destinationJSON {
	props := publicValues(d.t, d.values)
	props["status"] = "1"
	j := destinationJSON{
		ID: d.id, Type: d.t.Type, Name: d.name, Description: d.description, Properties: props,
		ReportCard: card(d.t, false, s.destState(d)), StitchClientID: d.account,
		CreatedAt: stamp(d.created), UpdatedAt: stamp(d.updated),
	}
	if d.check != nil {
		j.CheckJobName = d.check.name
	}
	return j
}

// maybeCheckDestination starts a check when the form is complete.
func (s *Server) maybeCheckDestination(d *destination) {
	if stepSatisfied(d.t, stepForm, cardState{provided: providedFn(d.values), checkOK: true, dest: true}) {
		d.check = s.newCheck(d.account, d.id, d.t, d.values)
	}
}

// createDestination answers POST /v4/destinations (one per account).
func (s *Server) createDestination(w http.ResponseWriter, r *http.Request, acct int64) {
	body, err := decodeObject(r)
	if err != nil {
		writeString(w, http.StatusBadRequest, msgDestPostBody)
		return
	}
	typ, _ := body["type"].(string)
	name, nameOK := optString(body["name"])
	desc, descOK := optString(body["description"])
	in, propsOK := body["properties"].(map[string]any)
	_, ignoreOK := body["ignore_unmapped_sources"].(bool)
	ignoreOK = ignoreOK || body["ignore_unmapped_sources"] == nil
	okKeys := true
	for k := range body {
		switch k {
		case "type", "name", "description", "properties", "ignore_unmapped_sources":
		default:
			okKeys = false
		}
	}
	if typ == "" || !nameOK || !descOK || !propsOK || !ignoreOK || !okKeys {
		writeString(w, http.StatusBadRequest, msgDestPostBody)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.accountDestination(acct) != nil {
		writeString(w, http.StatusBadRequest, msgDestLimit)
		return
	}
	t, ok := s.cat.Destinations[typ]
	if !ok {
		writeString(w, http.StatusBadRequest, fmt.Sprintf("invalid destination type (%s)", typ))
		return
	}
	values, bad := s.applyProps("destinations", t, nil, in, true)
	if bad != nil {
		badProperties(w, bad, typeCard(t, false))
		return
	}
	setSystemValues(t, values, true)
	if name == "" {
		name = t.Name
	}
	now := s.now()
	s.st.nextDest++
	d := &destination{id: s.st.nextDest, account: acct, t: t, name: name, description: desc, values: values, created: now, updated: now}
	s.st.dests[d.id] = d
	s.maybeCheckDestination(d)
	writeJSON(w, http.StatusOK, s.destView(d))
	arm(d.check)
}

// optString accepts an absent/null value or a string.
func optString(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

// listDestinations answers GET /v4/destinations (an array of 0 or 1).
func (s *Server) listDestinations(w http.ResponseWriter, r *http.Request, acct int64) {
	q := r.URL.Query()
	for k := range q {
		if k != "source_id" && k != "destination_id" {
			writeString(w, http.StatusBadRequest, msgDestGetQuery)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var mine []*destination
	for _, d := range s.st.dests {
		if d.account == acct && (q.Get("destination_id") == "" || q.Get("destination_id") == fmt.Sprint(d.id)) {
			mine = append(mine, d)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].id < mine[j].id })
	out := make([]destinationJSON, 0, len(mine))
	for _, d := range mine {
		out = append(out, s.destView(d))
	}
	writeJSON(w, http.StatusOK, out)
}

// updateDestination answers PUT /v4/destinations/{id} (partial properties).
func (s *Server) updateDestination(w http.ResponseWriter, r *http.Request, acct int64) {
	body, err := decodeObject(r)
	if err != nil {
		writeString(w, http.StatusBadRequest, msgDestPutBody)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := pathID(r)
	var d *destination
	if ok {
		d = s.st.destinationOf(acct, id)
	}
	if d == nil {
		writeString(w, http.StatusBadRequest, msgDestBadID)
		return
	}
	if typ, sent := body["type"]; sent && typ != d.t.Type {
		writeString(w, http.StatusBadRequest, msgDestType)
		return
	}
	name, nameOK := optString(body["name"])
	desc, descOK := optString(body["description"])
	in, propsOK := objectOrEmpty(body["properties"])
	for k := range body {
		switch k {
		case "type", "name", "description", "properties", "ignore_unmapped_sources":
		default:
			propsOK = false
		}
	}
	if !nameOK || !descOK || !propsOK {
		writeString(w, http.StatusBadRequest, msgDestPutBody)
		return
	}
	values, bad := s.applyProps("destinations", d.t, d.values, in, false)
	if bad != nil {
		badProperties(w, bad, card(d.t, false, s.destState(d)))
		return
	}
	d.values, d.updated = values, s.now()
	if strings.TrimSpace(name) != "" {
		d.name = name
	}
	if _, sent := body["description"]; sent {
		d.description = desc
	}
	if len(in) > 0 {
		s.maybeCheckDestination(d)
	}
	writeJSON(w, http.StatusOK, s.destView(d))
	arm(d.check)
}

// deleteDestination answers DELETE /v4/destinations/{id} with {}; the
// account may then create a new one.
func (s *Server) deleteDestination(w http.ResponseWriter, r *http.Request, acct int64) {
	id, ok := pathID(r)
	if !ok {
		w.WriteHeader(http.StatusNotFound) // documented: illegal characters → 404
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.destinationOf(acct, id) == nil {
		writeString(w, http.StatusBadRequest, fmt.Sprintf("Unable to locate dest (%d) for client (%d) to delete", id, acct))
		return
	}
	delete(s.st.dests, id)
	writeJSON(w, http.StatusOK, map[string]any{})
}
