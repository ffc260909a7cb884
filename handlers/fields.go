package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/selection"
	"github.com/onramp/onramp/views"
)

// Metadata updates are sent in chunks of at most this many streams and
// about this many metadata entries.
const (
	metadataChunkStreams = 500
	metadataChunkEntries = 5000
)

// schemaConcurrency bounds parallel stream schema requests.
const schemaConcurrency = 8

// Fields serves stream and field selection: the stream list, one stream's
// page, and saving both. Pending choices live in a server-side draft per
// session and source until they are saved, so they survive paging,
// filtering and errors. The rules are in package selection.
type Fields struct {
	*Sources
	Drafts  selection.DraftStore
	cache   streamCache
	schemaC schemaCache
}

const draftSessionKey = "fd"

// draftKey names the draft of this session's account and source.
func (h *Fields) draftKey(c echo.Context, acct Account, id connect.Int) string {
	s := sessionOf(c)
	sid := s.Get(draftSessionKey)
	if sid == "" {
		sid = randomToken(12)
		s.Set(draftSessionKey, sid)
	}
	return sid + ":" + strconv.FormatInt(acct.ID, 10) + ":" + id.String()
}

func fieldsURL(id string, q selection.Query) string {
	v := url.Values{}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	if q.OnlySelected {
		v.Set("only", "selected")
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	u := "/sources/" + id + "/fields"
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u
}

func queryOf(c echo.Context) selection.Query {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	return selection.Query{Q: strings.TrimSpace(c.QueryParam("q")), Page: page, OnlySelected: c.QueryParam("only") == "selected"}
}

// Choose handles GET /sources/:id/fields: the stream list (?partial=1: only
// its live region, for the page's script).
func (h *Fields) Choose(c echo.Context) error {
	src, acct, ok, err := h.loadForFields(c)
	if !ok || err != nil {
		return err
	}
	ctx := c.Request().Context()
	streams, err := h.listStreams(ctx, acct, src.ID, false)
	if err != nil {
		return err
	}
	d, err := h.Drafts.Get(ctx, h.draftKey(c, acct, src.ID))
	if err != nil {
		return err
	}
	m := h.listPage(c, src, acct, streams, d, queryOf(c), nil, nil)
	if c.QueryParam("partial") == "1" {
		return render(c, http.StatusOK, views.FieldsLive(m))
	}
	return render(c, http.StatusOK, views.Fields(m))
}

// listPage builds the stream list page. Schemas are fetched only for the
// rows on the page that need them (ticked views, key-based rows).
func (h *Fields) listPage(c echo.Context, src *connect.Source, acct Account, streams []connect.Stream, d *selection.Draft, q selection.Query, problems []selection.Problem, prompts []string) views.FieldsPage {
	id := src.ID.String()
	ctx := c.Request().Context()
	need := selection.RowSchemas(selection.PageStreams(streams, d, q), d)
	schemas, err := h.schemas(ctx, acct, src.ID, need)
	m := views.FieldsPage{
		Base:     h.stepBase(c, tr(c).T("steps.fields"), id, connect.StepFieldSelection),
		Steps:    stepItems(src.ReportCard, connect.StepFieldSelection),
		SourceID: id,
		Name:     h.sourceName(tr(c), src),
		List: selection.NewList(selection.ListInput{
			Streams: streams, Draft: d, Query: q, Schemas: schemas, Problems: problems, Prompts: prompts, Words: tr(c),
		}),
	}
	if err != nil {
		m.Notice = tr(c).T("fieldsSave.columnsMissing")
	}
	if src.ReportCard.CurrentStepType == connect.StepFullyConfigured {
		m.DoneURL = "/sources/" + id + "/done"
	} else if !inHandoff(c) {
		m.HandoffURL = "/sources/" + id + "/handoff?step=" + connect.StepFieldSelection
	}
	return m
}

// loadForFields loads the source; when it is not at stream selection (or
// done), it answers with a redirect to its step and ok is false.
func (h *Fields) loadForFields(c echo.Context) (*connect.Source, Account, bool, error) {
	src, acct, err := h.load(c)
	if err != nil {
		return nil, acct, false, err
	}
	if !fieldSelectionAllowed(src) {
		return src, acct, false, redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	return src, acct, true, nil
}

func fieldSelectionAllowed(src *connect.Source) bool {
	_, has := src.ReportCard.Step(connect.StepFieldSelection)
	t := src.ReportCard.CurrentStepType
	return has && (t == connect.StepFieldSelection || t == connect.StepFullyConfigured)
}

// schemas fetches the schemas of streams, a few at a time; the first error
// stops the others.
func (h *Fields) schemas(ctx context.Context, acct Account, srcID connect.Int, streams []connect.Stream) (map[string]*selection.Schema, error) {
	out := make(map[string]*selection.Schema, len(streams))
	key := streamCacheKey(acct.Token, srcID)
	missing := streams[:0:0]
	for _, s := range streams {
		// Cached schemas serve their static parts (columns, inclusion,
		// defaults, exclusions); where columns conflict, the current
		// selection matters, so those are read again.
		if sc, ok := h.schemaC.get(key, s.TapStreamID); ok && !sc.HasExclusions() {
			out[s.TapStreamID] = sc
		} else {
			missing = append(missing, s)
		}
	}
	streams = missing
	if len(streams) == 0 {
		return out, nil
	}
	defer func() { h.schemaC.put(key, out) }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	work := make(chan connect.Stream)
	for range min(schemaConcurrency, len(streams)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				ss, err := h.API.GetStreamSchema(ctx, acct.Token, srcID, s.StreamID)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				} else if err == nil {
					out[s.TapStreamID] = selection.ParseSchema(ss)
				}
				mu.Unlock()
			}
		}()
	}
	for _, s := range streams {
		if ctx.Err() != nil {
			break
		}
		work <- s
	}
	close(work)
	wg.Wait()
	return out, firstErr
}

// failure turns a failed Stitch call on a save path into a status and
// words in the page's language; handled is false for errors the error
// handler must answer (a revoked token signs out; an unknown source is a 404).
func failure(l *i18n.Localizer, err error) (status int, msg string, handled bool) {
	var apiErr *connect.Error
	switch {
	case connect.IsUnauthorized(err), connect.IsNotFound(err):
		return 0, "", false
	case connect.IsUpstreamUnavailable(err):
		return http.StatusBadGateway, l.T("fieldsSave.stitchDown"), true
	case errors.As(err, &apiErr) && apiErr.Status >= 400 && apiErr.Status < 500:
		return http.StatusUnprocessableEntity, l.T("fieldsSave.notAccepted", "Detail", apiErr.Message), true
	case errors.As(err, &apiErr):
		return http.StatusBadGateway, l.T("fieldsSave.stitchError"), true
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return 0, "", false
	}
	return http.StatusBadGateway, l.T("fieldsSave.internal"), true
}

// Save handles POST /sources/:id/fields: it records the page's
// choices in the draft, then navigates, changes the draft in bulk, or saves
// it to Stitch. Any failure re-renders every choice with a way to send them
// again.
func (h *Fields) Save(c echo.Context) error {
	acct := mustAccount(c)
	id, err := sourceID(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	key := h.draftKey(c, acct, id)
	d, err := h.Drafts.Get(ctx, key)
	if err != nil {
		return h.unavailable(c, id, nil, form, http.StatusServiceUnavailable, tr(c).T("fieldsSave.notKept"))
	}
	f := selection.ApplyListForm(d, form)
	if f.Action == selection.ActionDiscard {
		d = &selection.Draft{Conflicts: d.Conflicts}
	}
	if err := h.Drafts.Put(ctx, key, d); err != nil {
		return h.unavailable(c, id, d, form, http.StatusServiceUnavailable, tr(c).T("fieldsSave.notKept"))
	}
	switch f.Action {
	case selection.ActionDraft:
		return c.NoContent(http.StatusNoContent)
	case selection.ActionFilter:
		f.Query.Page = 1
		return redirect(c, fieldsURL(id.String(), f.Query))
	case selection.ActionGoto:
		f.Query.Page = f.Goto
		return redirect(c, fieldsURL(id.String(), f.Query))
	case selection.ActionDiscard:
		sessionOf(c).SetFlash(FlashInfo, tr(c).T("fieldsSave.discarded"))
		return redirect(c, fieldsURL(id.String(), f.Query))
	}

	src, err := h.API.GetSource(ctx, acct.Token, id)
	if err != nil {
		return h.saveFailed(c, id, nil, nil, d, form, f, err)
	}
	if src.DeletedAt != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if !fieldSelectionAllowed(src) {
		return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	streams, err := h.listStreams(ctx, acct, id, true)
	if err != nil {
		return h.saveFailed(c, id, src, nil, d, form, f, err)
	}
	switch f.Action {
	case selection.ActionTickMatching, selection.ActionUntickMatch:
		tick := f.Action == selection.ActionTickMatching
		n := selection.TickMatching(streams, d, f.Query, tick)
		selection.Prune(streams, d)
		if err := h.Drafts.Put(ctx, key, d); err != nil {
			return h.unavailable(c, id, d, form, http.StatusServiceUnavailable, tr(c).T("fieldsSave.notKeptNow"))
		}
		msg := tr(c).N("fieldsSave.unticked", n)
		if tick {
			msg = tr(c).N("fieldsSave.ticked", n)
		}
		sessionOf(c).SetFlash(FlashInfo, msg)
		f.Query.Page = 1
		return redirect(c, fieldsURL(id.String(), f.Query))
	case selection.ActionSelectAll:
		m := h.listPage(c, src, acct, streams, d, f.Query, nil, nil)
		m.ConfirmSelectAll = m.List.SelectAll.Offered
		if m.ConfirmSelectAll {
			h.prefetch(acct, id, selection.SelectAllCandidates(streams, d, f.Query))
		}
		return render(c, http.StatusOK, views.Fields(m))
	case selection.ActionSelectAllDone:
		selection.SelectAllMatching(streams, d, f.Query)
	}
	return h.saveDraft(c, src, acct, streams, d, key, form, f)
}

// saveDraft sends the draft to Stitch in chunks and moves on.
func (h *Fields) saveDraft(c echo.Context, src *connect.Source, acct Account, streams []connect.Stream, d *selection.Draft, key string, form url.Values, f selection.ListForm) error {
	ctx := c.Request().Context()
	selection.Prune(streams, d)
	h.schemaC.wait(ctx, streamCacheKey(acct.Token, src.ID))
	schemas, err := h.schemas(ctx, acct, src.ID, selection.NeedsSchema(streams, d))
	if err != nil {
		return h.saveFailed(c, src.ID, src, streams, d, form, f, err)
	}
	plan := selection.Build(streams, d, schemas)
	for _, t := range plan.Conflicts {
		if d.Conflicts == nil {
			d.Conflicts = map[string]bool{}
		}
		d.Conflicts[t] = true
	}
	if !plan.OK() {
		_ = h.Drafts.Put(ctx, key, d)
		m := h.listPage(c, src, acct, streams, d, f.Query, plan.Problems, plan.Prompts)
		m.Title = "Error: " + m.Title
		return render(c, http.StatusUnprocessableEntity, views.Fields(m))
	}
	if len(plan.Updates) > 0 {
		h.changed(acct, src.ID)
	}
	for _, chunk := range selection.Chunks(plan.Updates, metadataChunkStreams, metadataChunkEntries) {
		if err := h.API.UpdateStreamMetadata(ctx, acct.Token, src.ID, chunk); err != nil {
			h.schemaC.drop(streamCacheKey(acct.Token, src.ID)) // columns may have changed
			return h.saveFailed(c, src.ID, src, streams, d, form, f, err)
		}
	}
	// Saved: keep only what Stitch still needs to know about.
	if err := h.Drafts.Put(ctx, key, &selection.Draft{Conflicts: d.Conflicts}); err != nil {
		h.Log.WarnContext(c.Request().Context(), "clear draft", "err", err)
	}
	msg := tr(c).N("fieldsSave.selected", plan.Selected)
	kind := FlashSuccess
	if len(plan.Prompts) > 0 {
		kind = FlashWarning
		msg = tr(c).T("fieldsSave.savedPrompt", "Names", labels(streams, plan.Prompts))
		sessionOf(c).SetFlash(kind, msg)
		return redirect(c, fieldsURL(src.ID.String(), selection.Query{}))
	}
	sessionOf(c).SetFlash(kind, msg)
	updated, err := h.API.GetSource(ctx, acct.Token, src.ID)
	if err != nil {
		// Saved; the step router finds the next page once Stitch answers.
		return redirect(c, "/sources/"+src.ID.String())
	}
	if updated.ReportCard.CurrentStepType == connect.StepFullyConfigured {
		if src.ReportCard.CurrentStepType != connect.StepFullyConfigured {
			emit(c, "onramp:source_configured", map[string]any{"source_id": updated.ID.String(), "type": updated.Type})
		}
		return redirect(c, "/sources/"+updated.ID.String()+"/done")
	}
	return redirect(c, StepURL(updated.ID.String(), updated.ReportCard.CurrentStepType))
}

func labels(streams []connect.Stream, taps []string) string {
	want := map[string]bool{}
	for _, t := range taps {
		want[t] = true
	}
	var out []string
	for _, s := range streams {
		if want[s.TapStreamID] {
			out = append(out, selection.Label(s))
		}
	}
	return strings.Join(out, ", ")
}

// saveFailed answers a failed Stitch call on the save path with the page
// and every choice (the draft), or — when the source or its streams could
// not be read — with the pending choices and a button that sends them again.
func (h *Fields) saveFailed(c echo.Context, id connect.Int, src *connect.Source, streams []connect.Stream, d *selection.Draft, form url.Values, f selection.ListForm, err error) error {
	status, msg, ok := failure(tr(c), err)
	if !ok {
		return err
	}
	h.Log.Warn("save stream selection", "id", RequestID(c.Request().Context()), "err", err)
	if src == nil || streams == nil {
		return h.unavailable(c, id, d, form, status, msg)
	}
	acct := mustAccount(c)
	m := h.listPage(c, src, acct, streams, d, f.Query, nil, nil)
	m.Error = msg
	m.Title = "Error: " + m.Title
	return render(c, status, views.Fields(m))
}

// unavailable is the page shown when the stream list cannot be shown: the
// pending choices, and a retry that sends the same submission.
func (h *Fields) unavailable(c echo.Context, id connect.Int, d *selection.Draft, form url.Values, status int, msg string) error {
	m := views.FieldsPage{
		Base:        h.stepBase(c, "Error: "+tr(c).T("steps.fields"), id.String(), connect.StepFieldSelection),
		SourceID:    id.String(),
		Error:       msg,
		Unavailable: true,
		Retry:       selection.FormValues(form),
	}
	if d != nil {
		unticked := 0
		for tap, ch := range d.Choices {
			if ch.Selected {
				m.Pending = append(m.Pending, tr(c).T("fieldsSave.pendingStream", "Name", tap))
			} else {
				unticked++
			}
		}
		slices.Sort(m.Pending)
		if unticked > 0 {
			m.Pending = append(m.Pending, tr(c).N("fieldsSave.pendingUnticked", unticked))
		}
	}
	return render(c, status, views.Fields(m))
}

// findStream finds the stream named in the path among the source's streams.
func findStream(c echo.Context, streams []connect.Stream) (*connect.Stream, error) {
	n, err := strconv.ParseInt(c.Param("stream"), 10, 64)
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	for i := range streams {
		if int64(streams[i].StreamID) == n {
			return &streams[i], nil
		}
	}
	return nil, echo.NewHTTPError(http.StatusNotFound)
}

// Stream handles GET /sources/:id/fields/:stream: one stream's columns and
// replication, as they will be saved.
func (h *Fields) Stream(c echo.Context) error {
	src, acct, ok, err := h.loadForFields(c)
	if !ok || err != nil {
		return err
	}
	ctx := c.Request().Context()
	streams, err := h.listStreams(ctx, acct, src.ID, false)
	if err != nil {
		return err
	}
	st, err := findStream(c, streams)
	if err != nil {
		return err
	}
	ss, err := h.API.GetStreamSchema(ctx, acct.Token, src.ID, st.StreamID)
	if err != nil {
		return err
	}
	d, err := h.Drafts.Get(ctx, h.draftKey(c, acct, src.ID))
	if err != nil {
		return err
	}
	ch, has := d.Get(st.TapStreamID)
	m := h.streamPage(c, src, *st, selection.ParseSchema(ss), ch, has, nil)
	return render(c, http.StatusOK, views.StreamFields(m))
}

func (h *Fields) streamPage(c echo.Context, src *connect.Source, st connect.Stream, sc *selection.Schema, ch selection.Choice, has bool, problems []selection.Problem) views.StreamPage {
	id := src.ID.String()
	return views.StreamPage{
		Base:     h.stepBase(c, selection.Label(st), id, connect.StepFieldSelection),
		Steps:    stepItems(src.ReportCard, connect.StepFieldSelection),
		SourceID: id,
		Stream:   selection.NewStreamPage(tr(c), st, sc, ch, has, problems),
		BackURL:  "/sources/" + id + "/fields",
	}
}

// SaveStream handles POST /sources/:id/fields/:stream: the stream's
// selection, replication and columns. The choice is kept in the draft until
// Stitch has it, so an error loses nothing.
func (h *Fields) SaveStream(c echo.Context) error {
	acct := mustAccount(c)
	id, err := sourceID(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	fail := func(err error) error {
		status, msg, ok := failure(tr(c), err)
		if !ok {
			return err
		}
		return h.unavailableStream(c, id, form, status, msg)
	}
	src, err := h.API.GetSource(ctx, acct.Token, id)
	if err != nil {
		return fail(err)
	}
	if src.DeletedAt != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if !fieldSelectionAllowed(src) {
		return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	streams, err := h.listStreams(ctx, acct, id, true)
	if err != nil {
		return fail(err)
	}
	st, err := findStream(c, streams)
	if err != nil {
		return err
	}
	ss, err := h.API.GetStreamSchema(ctx, acct.Token, id, st.StreamID)
	if err != nil {
		return fail(err)
	}
	sc := selection.ParseSchema(ss)
	ch := selection.DecodeStream(form, *st, sc)
	key := h.draftKey(c, acct, id)
	d, err := h.Drafts.Get(ctx, key)
	if err == nil {
		d.Set(st.TapStreamID, ch)
		err = h.Drafts.Put(ctx, key, d)
	}
	if err != nil {
		return h.unavailableStream(c, id, form, http.StatusServiceUnavailable, tr(c).T("fieldsSave.notKept"))
	}
	plan := selection.BuildStream(*st, sc, ch)
	if !plan.OK() {
		m := h.streamPage(c, src, *st, sc, ch, true, plan.Problems)
		m.Title = "Error: " + m.Title
		return render(c, http.StatusUnprocessableEntity, views.StreamFields(m))
	}
	if len(plan.Updates) > 0 {
		h.changed(acct, id)
		if err := h.API.UpdateStreamMetadata(ctx, acct.Token, id, plan.Updates); err != nil {
			status, msg, ok := failure(tr(c), err)
			if !ok {
				return err
			}
			m := h.streamPage(c, src, *st, sc, ch, true, nil)
			m.Error = msg
			m.Title = "Error: " + m.Title
			return render(c, status, views.StreamFields(m))
		}
	}
	delete(d.Choices, st.TapStreamID)
	if err := h.Drafts.Put(ctx, key, d); err != nil {
		h.Log.WarnContext(c.Request().Context(), "clear draft", "err", err)
	}
	sessionOf(c).SetFlash(FlashSuccess, tr(c).T("fieldsSave.savedStream", "Name", selection.Label(*st)))
	return redirect(c, "/sources/"+src.ID.String()+"/fields")
}

// unavailableStream is the stream page when Stitch could not be read: the
// submission is kept in a retry button.
func (h *Fields) unavailableStream(c echo.Context, id connect.Int, form url.Values, status int, msg string) error {
	m := views.FieldsPage{
		Base:        h.stepBase(c, "Error: "+tr(c).T("steps.fields"), id.String(), connect.StepFieldSelection),
		SourceID:    id.String(),
		Error:       msg,
		Unavailable: true,
		Retry:       selection.FormValues(form),
		RetryURL:    c.Request().URL.Path,
	}
	for _, f := range form["field"] {
		m.Pending = append(m.Pending, tr(c).T("fieldsSave.pendingColumn", "Name", f))
	}
	if form.Get("selected") == "true" {
		m.Pending = append([]string{tr(c).T("fieldsSave.pendingThisStream")}, m.Pending...)
	}
	return render(c, status, views.Fields(m))
}

// streamCacheTTL is how long a page view may reuse a stream list. Saves
// always read it fresh and drop it, so only changes made elsewhere (another
// replica, a re-discovery) can be this late on a list page.
const streamCacheTTL = 20 * time.Second

// streamCache keeps recent stream lists by token and source: decoding
// thousands of streams costs more than rendering a page of them, and a user
// who ticks, filters and pages reads the same list many times.
type streamCache struct {
	mu      sync.Mutex
	entries map[string]cachedStreams
}

type cachedStreams struct {
	streams []connect.Stream
	at      time.Time
}

const streamCacheMax = 64

func streamCacheKey(token string, id connect.Int) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:12]) + ":" + id.String()
}

func (c *streamCache) get(key string) ([]connect.Stream, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Since(e.at) > streamCacheTTL {
		return nil, false
	}
	return e.streams, true
}

func (c *streamCache) put(key string, streams []connect.Stream) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedStreams{}
	}
	if len(c.entries) >= streamCacheMax {
		oldest := ""
		for k, e := range c.entries {
			if oldest == "" || e.at.Before(c.entries[oldest].at) {
				oldest = k
			}
		}
		delete(c.entries, oldest)
	}
	c.entries[key] = cachedStreams{streams: streams, at: time.Now()}
}

func (c *streamCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// listStreams reads the source's streams: fresh for a save, possibly from
// the cache for a page view. Callers must not modify the slice.
func (h *Fields) listStreams(ctx context.Context, acct Account, id connect.Int, fresh bool) ([]connect.Stream, error) {
	key := streamCacheKey(acct.Token, id)
	if !fresh {
		if s, ok := h.cache.get(key); ok {
			return s, nil
		}
	}
	s, err := h.API.ListStreams(ctx, acct.Token, id)
	if err != nil {
		h.cache.drop(key)
		return nil, err
	}
	h.cache.put(key, s)
	return s, nil
}

// changed forgets the cached streams of a source whose metadata was sent.
func (h *Fields) changed(acct Account, id connect.Int) { h.cache.drop(streamCacheKey(acct.Token, id)) }

// schemaCacheTTL is how long fetched stream schemas are reused for their
// static parts. A re-discovery can change columns: a refused update drops them.
const schemaCacheTTL = 5 * time.Minute

// schemaCache keeps parsed stream schemas by token and source.
type schemaCache struct {
	mu       sync.Mutex
	sources  map[string]*cachedSchemas
	inflight map[string]chan struct{}
}

type cachedSchemas struct {
	at      time.Time
	schemas map[string]*selection.Schema
}

func (c *schemaCache) get(key, tap string) (*selection.Schema, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.sources[key]
	if e == nil || time.Since(e.at) > schemaCacheTTL {
		return nil, false
	}
	sc, ok := e.schemas[tap]
	return sc, ok
}

func (c *schemaCache) put(key string, schemas map[string]*selection.Schema) {
	if len(schemas) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sources == nil {
		c.sources = map[string]*cachedSchemas{}
	}
	e := c.sources[key]
	if e == nil || time.Since(e.at) > schemaCacheTTL {
		if len(c.sources) >= streamCacheMax {
			for k := range c.sources {
				delete(c.sources, k)
				break
			}
		}
		e = &cachedSchemas{at: time.Now(), schemas: map[string]*selection.Schema{}}
		c.sources[key] = e
	}
	for tap, sc := range schemas {
		e.schemas[tap] = sc
	}
}

func (c *schemaCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sources, key)
}

// begin marks a prefetch of key as running; false when one already is.
func (c *schemaCache) begin(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight[key] != nil {
		return false
	}
	if c.inflight == nil {
		c.inflight = map[string]chan struct{}{}
	}
	c.inflight[key] = make(chan struct{})
	return true
}

func (c *schemaCache) end(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch := c.inflight[key]; ch != nil {
		close(ch)
	}
	delete(c.inflight, key)
}

// wait lets a running prefetch of key finish (or ctx end), so a save does
// not read the same schemas a second time.
func (c *schemaCache) wait(ctx context.Context, key string) {
	c.mu.Lock()
	ch := c.inflight[key]
	c.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// prefetchTimeout bounds a prefetch of schemas.
const prefetchTimeout = time.Minute

// prefetch reads the schemas Select all will need while the user reads its
// confirmation, so confirming does not wait for thousands of requests.
// Errors are ignored: the save reads whatever is missing.
func (h *Fields) prefetch(acct Account, id connect.Int, streams []connect.Stream) {
	key := streamCacheKey(acct.Token, id)
	if len(streams) == 0 || !h.schemaC.begin(key) {
		return
	}
	go func() {
		defer h.schemaC.end(key)
		ctx, cancel := context.WithTimeout(context.Background(), prefetchTimeout)
		defer cancel()
		if _, err := h.schemas(ctx, acct, id, streams); err != nil {
			h.Log.Debug("prefetch stream schemas", "err", err)
		}
	}()
}
