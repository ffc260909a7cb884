package emulator

import (
	"sort"
	"strings"
	"time"
)

// state is everything the emulator remembers, guarded by Server.mu.
type state struct {
	nextAccount, nextSource, nextDest, nextStream int64

	accounts  map[int64]*account
	byEmail   map[string]*account
	tokens    map[string]int64 // access token → account id
	codes     map[string]*stitchCode
	ephemeral map[string]*ephemeralToken
	sources   map[int64]*source
	dests     map[int64]*destination

	provCodes   map[string]*providerCode
	provRefresh map[string]string // refresh token → scope
}

func newState() *state {
	return &state{
		nextAccount: 116078, nextSource: 120640, nextDest: 155580, nextStream: 2288750,
		accounts:    map[int64]*account{},
		byEmail:     map[string]*account{},
		tokens:      map[string]int64{},
		codes:       map[string]*stitchCode{},
		ephemeral:   map[string]*ephemeralToken{},
		sources:     map[int64]*source{},
		dests:       map[int64]*destination{},
		provCodes:   map[string]*providerCode{},
		provRefresh: map[string]string{},
	}
}

type account struct {
	id                                  int64
	email, first, last, company, region string
}

// noCron reports whether the account plays a plan without Advanced
// Scheduling (sandbox: an email with "+nocron" before the @).
func (a *account) noCron() bool { return strings.Contains(strings.ToLower(a.email), "+nocron@") }

// stitchCode is a one-time code of the account OAuth flow.
type stitchCode struct {
	account int64
	expires time.Time
}

type ephemeralToken struct {
	account int64
	expires time.Time
}

type source struct {
	id, account       int64
	t                 *TypeDef
	name, displayName string
	values            map[string]any
	created, updated  time.Time
	paused, deleted   *time.Time
	check             *check
	discovered        bool
	streams           []*stream
	byTap             map[string]*stream
	byID              map[int64]*stream
	streamsFor        string      // database name the streams were discovered for
	job               *extraction // the running sync job (POST …/sync): its outcome is decided when it starts
	// extracted is set once the first extraction started (extractions.go);
	// extracting is that one while it runs; lastExtraction is the latest
	// completed one (the first, or a sync job's).
	extracted      bool
	extracting     *extraction
	lastExtraction *extraction
}

type destination struct {
	id, account       int64
	t                 *TypeDef
	name, description string
	values            map[string]any
	created, updated  time.Time
	check             *check
}

// findOrCreateAccount returns the account of email, creating it when new.
func (st *state) findOrCreateAccount(email, first, last, company, region string) *account {
	key := strings.ToLower(strings.TrimSpace(email))
	if a, ok := st.byEmail[key]; ok {
		return a
	}
	st.nextAccount++
	a := &account{id: st.nextAccount, email: strings.TrimSpace(email), first: first, last: last, company: company, region: region}
	st.accounts[a.id] = a
	st.byEmail[key] = a
	return a
}

// mintToken issues a new access token for an account.
func (st *state) mintToken(acct int64) string {
	tok := "at_" + randomHex(20)
	st.tokens[tok] = acct
	return tok
}

// sourceOf returns the account's source with that id, or nil (other
// accounts' sources do not exist for the caller).
// accountSources are the account's sources, deleted ones too, by id.
func (st *state) accountSources(acct int64) []*source {
	var mine []*source
	for _, src := range st.sources {
		if src.account == acct {
			mine = append(mine, src)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].id < mine[j].id })
	return mine
}

func (st *state) sourceOf(acct, id int64) *source {
	src, ok := st.sources[id]
	if !ok || src.account != acct {
		return nil
	}
	return src
}

// destinationOf returns the account's destination with that id, or nil.
func (st *state) destinationOf(acct, id int64) *destination {
	d, ok := st.dests[id]
	if !ok || d.account != acct {
		return nil
	}
	return d
}

// accountDestination returns the account's destination, if any.
func (st *state) accountDestination(acct int64) *destination {
	for _, d := range st.dests {
		if d.account == acct {
			return d
		}
	}
	return nil
}
