package emulator

import (
	"sort"
	"strings"
)

// limitedDeniedSources are the source types an account on the "limited"
// sandbox plan may not use: details.access is false for it in the type
// listing and look-up, and creating one answers 400 AccessDenied (API.md
// §6.4, §8.4). Documented in README.md (sandbox values).
var limitedDeniedSources = map[string]bool{
	"platform.salesforce": true,
	"platform.mssql":      true,
	"platform.jira":       true,
}

// limited reports whether the account plays a smaller plan (sandbox: an
// email with "+limited" before the @).
func (a *account) limited() bool {
	return a != nil && strings.Contains(strings.ToLower(a.email), "+limited@")
}

// sourceAccess reports details.access of source type t for account acct:
// the catalog's value, narrowed by the account's plan.
func (s *Server) sourceAccess(acct int64, t *TypeDef) bool {
	if !t.Access {
		return false
	}
	s.mu.Lock()
	a := s.st.accounts[acct]
	s.mu.Unlock()
	return !(a.limited() && limitedDeniedSources[t.Type])
}

// LimitedDeniedSources lists the source types a "+limited@" account cannot use.
func LimitedDeniedSources() []string {
	out := make([]string, 0, len(limitedDeniedSources))
	for k := range limitedDeniedSources {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
