package emulator

import (
	"fmt"
	"net/http"
)

// syncSource returns the caller's source for a sync call or answers the
// invalid_source errors (§13). Callers hold s.mu.
func (s *Server) syncSource(w http.ResponseWriter, r *http.Request, acct int64) *source {
	src := s.pathSource(r, acct)
	if src == nil {
		errorC(w, http.StatusBadRequest, "invalid_source", fmt.Sprintf("Unable to locate source(%s) for client (%d)", r.PathValue("id"), acct))
		return nil
	}
	if src.deleted != nil {
		errorC(w, http.StatusBadRequest, "invalid_source", "Integration is deleted.")
		return nil
	}
	return src
}

// startSync answers POST /v4/sources/{id}/sync. A job runs for
// Config.JobDuration; a second start meanwhile answers 200 already_running.
func (s *Server) startSync(w http.ResponseWriter, r *http.Request, acct int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.syncSource(w, r, acct)
	if src == nil {
		return
	}
	if src.job != nil {
		errorC(w, http.StatusOK, "already_running",
			fmt.Sprintf("Did not create job for client-id: %d; connection-id: %d because one already exists", acct, src.id))
		return
	}
	src.job = s.newExtraction(src, jobName(src), s.cfg.JobDuration)
	writeJSON(w, http.StatusOK, map[string]string{"job_name": src.job.name})
}

// stopSync answers DELETE /v4/sources/{id}/sync (also when nothing runs).
func (s *Server) stopSync(w http.ResponseWriter, r *http.Request, acct int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.syncSource(w, r, acct)
	if src == nil {
		return
	}
	src.job = nil
	writeJSON(w, http.StatusOK, map[string]int{"status": 200})
}
