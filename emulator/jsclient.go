package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Stitch-managed source OAuth: the page Stitch.js opens as a popup
// (GET /v2/js-client) and its JSON helpers. The popup is driven only by the
// official client's postMessage protocol (../shared/stitch-connect/STITCHJS.md);
// the JSON helpers are emulator internals the popup's script calls. There is
// no form entry point: the real app has none.

type jsClientRequest struct {
	EphemeralToken string      `json:"ephemeral_token"`
	SourceID       json.Number `json:"source_id"`
}

// jsClientPage answers GET /v2/js-client: the popup page.
func (s *Server) jsClientPage(w http.ResponseWriter, _ *http.Request) {
	s.render(w, http.StatusOK, "jsclient", "Authorize a data source", nil)
}

// ephemeralSource resolves an ephemeral token and a source id. It returns
// the HTTP status and message of the failure, if any. Callers hold s.mu.
func (s *Server) ephemeralSource(token, id string) (*source, int, string) {
	acct, ok := s.ephemeralAccount(token)
	if !ok {
		return nil, http.StatusUnauthorized, "Your Stitch session has expired or is not valid. Close this window and try again."
	}
	n, err := strconv.ParseInt(id, 10, 64)
	var src *source
	if err == nil {
		src = s.st.sourceOf(acct, n)
	}
	if src == nil || src.deleted != nil {
		return nil, http.StatusNotFound, fmt.Sprintf("Integration with id %s not found.", id)
	}
	s.refresh(src)
	return src, http.StatusOK, ""
}

// authorizeSource completes Stitch-managed OAuth: the oauth step's
// system_provided_by_default properties get the catalog's system values
// (credentials, never returned) and the report card advances.
func (s *Server) authorizeSource(src *source) error {
	if !hasStep(src.t, stepOAuth) {
		return fmt.Errorf("authorize source %d: %s does not use OAuth", src.id, src.t.Type)
	}
	for _, p := range src.t.Properties {
		if p.Step != stepOAuth || p.Kind != kindSystemDefault {
			continue
		}
		v := stringify(p.SystemValue)
		if v == nil {
			v = "emulator-" + p.Name
		}
		src.values[p.Name] = v
	}
	src.updated = s.now()
	s.maybeStartCheck(src)
	arm(src.check)
	return nil
}

func (s *Server) decodeJSClient(w http.ResponseWriter, r *http.Request) (jsClientRequest, bool) {
	var in jsClientRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "The request could not be read."})
		return in, false
	}
	return in, true
}

// jsClientSource answers POST /v2/js-client/source {ephemeral_token, source_id}:
// what the popup shows before asking for approval.
func (s *Server) jsClientSource(w http.ResponseWriter, r *http.Request) {
	in, ok := s.decodeJSClient(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	src, status, msg := s.ephemeralSource(in.EphemeralToken, in.SourceID.String())
	if src == nil {
		writeJSON(w, status, map[string]string{"message": msg})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": src.id, "type": src.t.Type, "display_name": src.displayName,
		"type_name": src.t.Name, "current_step_type": card(src.t, true, s.sourceState(src)).CurrentStepType})
}

// jsClientAuthorize answers POST /v2/js-client/authorize {ephemeral_token, source_id}.
func (s *Server) jsClientAuthorize(w http.ResponseWriter, r *http.Request) {
	in, ok := s.decodeJSClient(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	src, status, msg := s.ephemeralSource(in.EphemeralToken, in.SourceID.String())
	if src == nil {
		writeJSON(w, status, map[string]string{"message": msg})
		return
	}
	if err := s.authorizeSource(src); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "This source does not use OAuth."})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": src.id, "type": src.t.Type})
}
