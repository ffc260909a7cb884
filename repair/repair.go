// Package repair decides how a source whose connection stopped working is
// repaired: which words explain the failure, which properties are at fault,
// and which one action fixes it (re-enter those fields, or sign in again).
// It reads Stitch's own error text and the source's properties; it knows
// nothing of HTTP or pages.
package repair

import (
	"regexp"
	"strings"
)

// Action is the one thing that repairs a source.
type Action string

// Actions.
const (
	// ReEnter shows a form with only the properties at fault.
	ReEnter Action = "fields"
	// Reauthorize signs in to the provider again (OAuth sources).
	Reauthorize Action = "reauthorize"
	// FullForm sends the user to the whole connection form: the cause is
	// not tied to any field.
	FullForm Action = "form"
)

// Causes of a failure.
const (
	CauseAuth        = "auth"
	CauseOAuth       = "oauth"
	CauseHost        = "host"
	CauseUnreachable = "unreachable"
	CauseDatabase    = "database"
	CauseSSL         = "ssl"
	CausePaused      = "paused"
	CauseUnknown     = "unknown"
)

// Prop is what Diagnose needs to know about one property of the source.
type Prop struct {
	Name string
	// OAuth is true for properties of the oauth step (tokens).
	OAuth bool
	// Credential is true for is_credential properties.
	Credential bool
	// Editable is true for properties the user types on the form step and
	// may change (user_provided or user_provided_advanced).
	Editable bool
}

// Input is what is known of a source's trouble.
type Input struct {
	// Detail is Stitch's own error text of the last failed check ("" when
	// the check did not fail).
	Detail string
	// PausedByStitch is true when Stitch paused the source (system_paused_at).
	PausedByStitch bool
	// OAuth is true when the source type has an oauth step.
	OAuth bool
	// Props are the source's properties, form step and oauth step.
	Props []Prop
}

// Diagnosis says what went wrong and how to repair it.
type Diagnosis struct {
	Cause string
	// MessageID names the catalog message that explains the failure in
	// plain words (i18n/locales/pages.*.toml, [repairWhy]); the page words it.
	MessageID string
	// Fields are the properties to re-enter (Action ReEnter), in the order
	// of Input.Props.
	Fields []string
	Action Action
}

var rejectedName = regexp.MustCompile(`the ([a-z0-9_]+) provided was rejected`)

// phrases recognise causes in Stitch's (or the database's) words.
var phrases = []struct {
	cause string
	words []string
}{
	{CauseOAuth, []string{"invalid_grant", "token has been expired or revoked", "revoked", "refresh token", "refresh_token", "oauth"}},
	{CauseAuth, []string{"password authentication failed", "access denied for user", "(1045", "authentication failed", "invalid credentials", "unauthorized", "http-error-code: 401", "invalid api key", "login failed"}},
	{CauseHost, []string{"unknown mysql server host", "could not translate host name", "name or service not known", "no such host", "unknown host"}},
	{CauseUnreachable, []string{"connection refused", "can't connect", "could not connect", "timed out", "timeout", "unreachable"}},
	{CauseDatabase, []string{"unknown database", "does not exist"}},
	{CauseSSL, []string{"ssl", "certificate"}},
}

// Diagnose reads in and decides the repair. The first rule that matches wins:
// a credential Stitch names; the words of a known cause; a pause by Stitch;
// otherwise the whole form.
func Diagnose(in Input) Diagnosis {
	d := strings.ToLower(in.Detail)
	if in.Detail == "" {
		if in.PausedByStitch {
			return paused(in)
		}
		return Diagnosis{}
	}
	if m := rejectedName.FindStringSubmatch(d); m != nil {
		if p, ok := find(in.Props, m[1]); ok {
			if p.OAuth && in.OAuth {
				return reauth(CauseOAuth)
			}
			if p.Editable {
				return Diagnosis{Cause: CauseAuth, Action: ReEnter, Fields: []string{p.Name},
					MessageID: "repairWhy.rejected"}
			}
		}
	}
	cause := CauseUnknown
	for _, ph := range phrases {
		if containsAny(d, ph.words) {
			cause = ph.cause
			break
		}
	}
	switch cause {
	case CauseOAuth:
		if in.OAuth {
			return reauth(CauseOAuth)
		}
		cause = CauseAuth
	}
	fields := fieldsFor(cause, in)
	if cause == CauseAuth && len(fields) == 0 && in.OAuth {
		return reauth(CauseOAuth)
	}
	if len(fields) == 0 {
		return Diagnosis{Cause: cause, Action: FullForm, MessageID: message(cause)}
	}
	return Diagnosis{Cause: cause, Action: ReEnter, Fields: fields, MessageID: message(cause)}
}

func reauth(cause string) Diagnosis {
	return Diagnosis{Cause: cause, Action: Reauthorize, MessageID: "repairWhy.oauth"}
}

func paused(in Input) Diagnosis {
	d := Diagnosis{Cause: CausePaused, Action: FullForm, MessageID: "repairWhy.paused"}
	if in.OAuth {
		d.Action = Reauthorize
		d.MessageID = "repairWhy.pausedOAuth"
	}
	return d
}

// message names the message that explains a cause in plain words.
func message(cause string) string {
	switch cause {
	case CauseAuth, CauseHost, CauseUnreachable, CauseDatabase, CauseSSL:
		return "repairWhy." + cause
	}
	return "repairWhy.unknown"
}

// fieldsFor lists the editable properties a cause implicates.
func fieldsFor(cause string, in Input) []string {
	want := func(p Prop) bool { return false }
	switch cause {
	case CauseAuth:
		hasPassword := false
		for _, p := range in.Props {
			if p.Editable && (p.Name == "password" || p.Name == "passwd") {
				hasPassword = true
			}
		}
		want = func(p Prop) bool {
			if hasPassword {
				return p.Name == "password" || p.Name == "passwd"
			}
			return p.Credential && !p.OAuth
		}
	case CauseHost:
		want = func(p Prop) bool { return p.Name == "host" }
	case CauseUnreachable:
		want = func(p Prop) bool { return p.Name == "host" || p.Name == "port" }
	case CauseDatabase:
		want = func(p Prop) bool { return p.Name == "database" || p.Name == "dbname" }
	case CauseSSL:
		want = func(p Prop) bool { return strings.Contains(p.Name, "ssl") }
	}
	var out []string
	for _, p := range in.Props {
		if p.Editable && !p.OAuth && want(p) {
			out = append(out, p.Name)
		}
	}
	return out
}

func find(props []Prop, name string) (Prop, bool) {
	for _, p := range props {
		if p.Name == name {
			return p, true
		}
	}
	return Prop{}, false
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
