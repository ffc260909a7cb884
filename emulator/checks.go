package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// check is a connection check (+ discovery). Its outcome is decided when it
// starts; it reads as running until readyAt (or, with CheckDelay 0, until
// the request that started it has answered) and is evaluated lazily on read,
// so no goroutine or timer outlives a request.
type check struct {
	name      string
	start     time.Time
	readyAt   time.Time
	immediate bool // CheckDelay 0: done once armed
	armed     bool // the starting request has answered
	failure   string
	applied   bool // its outcome has been applied to the source
}

func (c *check) done(now time.Time) bool {
	if c.immediate {
		return c.armed
	}
	return !now.Before(c.readyAt)
}

// newCheck starts a check for the given values. The account's faults (or
// the global ones) may set its delay and force a failure; otherwise the
// sandbox values decide. Callers hold s.mu.
func (s *Server) newCheck(acct, id int64, t *TypeDef, values map[string]any) *check {
	now := s.now()
	delay, failure := s.checkFaults(acct)
	if failure == "" {
		failure = s.sandboxFailure(t, values)
	}
	return &check{
		name:      fmt.Sprintf("%d.%d.check.%s", acct, id, newUUID()),
		start:     now,
		readyAt:   now.Add(delay),
		immediate: delay <= 0,
		failure:   failure,
	}
}

// arm lets a CheckDelay-0 check complete on the next read.
func arm(c *check) {
	if c != nil {
		c.armed = true
	}
}

// sandboxFailure returns the error message a check fails with, or "" when it
// succeeds. Values are the sandbox "test cards" documented in README.md.
func (s *Server) sandboxFailure(t *TypeDef, v map[string]any) string {
	if f := s.currentFaults().FailChecks; f != "" {
		return f
	}
	host := stringValue(v, "host")
	user := firstNonEmpty(stringValue(v, "user"), stringValue(v, "username"), "stitch")
	mysql := strings.Contains(t.Type, "mysql")
	switch {
	case strings.HasSuffix(strings.ToLower(host), ".invalid"):
		if mysql {
			return fmt.Sprintf("(2005, \"Unknown MySQL server host '%s' (-2)\")", host)
		}
		return fmt.Sprintf("could not translate host name %q to address: Name or service not known", host)
	case stringValue(v, "port") == "1":
		if mysql {
			return fmt.Sprintf("(2003, \"Can't connect to MySQL server on '%s' ([Errno 111] Connection refused)\")", host)
		}
		return fmt.Sprintf("could not connect to server: Connection refused\n\tIs the server running on host %q and accepting\n\tTCP/IP connections on port 1?", host)
	case stringValue(v, "password") == "wrong":
		if mysql {
			return fmt.Sprintf("(1045, \"Access denied for user '%s'@'%s' (using password: YES)\")", user, host)
		}
		return fmt.Sprintf("FATAL:  password authentication failed for user %q", user)
	case firstNonEmpty(stringValue(v, "database"), stringValue(v, "dbname")) == "missing":
		if mysql {
			return "(1049, \"Unknown database 'missing'\")"
		}
		return `FATAL:  database "missing" does not exist`
	}
	for _, p := range t.Properties {
		if p.Credential && p.Name != "password" && stringValue(v, p.Name) == "wrong" {
			return fmt.Sprintf("HTTP-error-code: 401, Error: the %s provided was rejected by the API (invalid credentials)", p.Name)
		}
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// checkJSON is a Connection Check object (§9.1).
type checkJSON struct {
	Name                  string  `json:"name"`
	Mode                  string  `json:"mode"`
	Status                string  `json:"status"`
	StartTime             string  `json:"start_time"`
	CompletionTime        *string `json:"completion_time"`
	Error                 bool    `json:"error"`
	CheckExitStatus       *int    `json:"check_exit_status"`
	DiscoveryExitStatus   *int    `json:"discovery_exit_status"`
	DiscoveryErrorMessage *string `json:"discovery_error_message"`
	TapExitStatus         *int    `json:"tap_exit_status"`
	TapErrorMessage       *string `json:"tap_error_message"`
	TargetExitStatus      *int    `json:"target_exit_status"`
	TargetErrorMessage    *string `json:"target_error_message"`
}

// view renders a check as of now. Failures look like the documented
// example: discovery_exit_status 1 with the message, check_exit_status null.
func (c *check) view(now time.Time) checkJSON {
	j := checkJSON{Name: c.name, Mode: "check", Status: "running", StartTime: stamp(c.start)}
	if !c.done(now) {
		return j
	}
	end := c.readyAt // == start for an instant check
	j.CompletionTime = stampPtr(&end)
	if c.failure == "" {
		zero, zero2 := 0, 0
		j.Status, j.CheckExitStatus, j.DiscoveryExitStatus = "succeeded", &zero, &zero2
		return j
	}
	one, msg := 1, c.failure
	j.Status, j.Error, j.DiscoveryExitStatus, j.DiscoveryErrorMessage = "failed", true, &one, &msg
	return j
}

// sourceCheck answers GET /v4/sources/{id}/last-connection-check. A source
// that never had a check answers 404 without a body (undocumented).
func (s *Server) sourceCheck(w http.ResponseWriter, r *http.Request, acct int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.pathSource(r, acct)
	if src == nil || src.check == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	s.refresh(src)
	writeJSON(w, http.StatusOK, src.check.view(s.now()))
}

// destinationCheck answers GET /v4/destinations/{id}/last-connection-check
// (defined in the API's data, unpublished; same shape as for sources).
func (s *Server) destinationCheck(w http.ResponseWriter, r *http.Request, acct int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := pathID(r)
	var d *destination
	if ok {
		d = s.st.destinationOf(acct, id)
	}
	if d == nil || d.check == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, d.check.view(s.now()))
}
