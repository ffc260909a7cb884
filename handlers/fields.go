package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/views"
)

// streamsPerPage keeps the stream list fast for sources with thousands of
// streams; schemas are fetched only when a stream is opened.
const streamsPerPage = 50

// Replication methods (API.md §10.4).
const (
	methodFullTable   = "FULL_TABLE"
	methodIncremental = "INCREMENTAL"
	methodLogBased    = "LOG_BASED"
)

// Fields handles GET /sources/:id/fields: the paginated, filterable stream list.
func (h *Sources) Fields(c echo.Context) error {
	src, acct, ok, err := h.loadForFields(c)
	if !ok || err != nil {
		return err
	}
	streams, err := h.API.ListStreams(c.Request().Context(), acct.Token, src.ID)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(c.QueryParam("page"))
	m := h.fieldsPage(c, src, streams, strings.TrimSpace(c.QueryParam("q")), page)
	return render(c, http.StatusOK, views.Fields(m))
}

// loadForFields loads the source; when it is not at stream selection (or
// done), it answers with a redirect to its step and ok is false.
func (h *Sources) loadForFields(c echo.Context) (*connect.Source, Account, bool, error) {
	src, acct, err := h.load(c)
	if err != nil {
		return nil, acct, false, err
	}
	if !fieldSelectionAllowed(src) {
		return src, acct, false, redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	return src, acct, true, nil
}

// metadataProblem turns a failed metadata update into a message for the
// page, or false for errors the error handler should answer.
func metadataProblem(err error) (int, string, bool) {
	var apiErr *connect.Error
	switch {
	case connect.IsUpstreamUnavailable(err):
		return http.StatusServiceUnavailable, "Stitch did not answer, so nothing was saved. Send it again.", true
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest:
		return http.StatusUnprocessableEntity, "Stitch did not accept these choices: " + apiErr.Message, true
	}
	return 0, "", false
}

func fieldSelectionAllowed(src *connect.Source) bool {
	_, has := src.ReportCard.Step(connect.StepFieldSelection)
	t := src.ReportCard.CurrentStepType
	return has && (t == connect.StepFieldSelection || t == connect.StepFullyConfigured)
}

func matchStreams(streams []connect.Stream, q string) []connect.Stream {
	sort.SliceStable(streams, func(i, j int) bool { return streams[i].TapStreamID < streams[j].TapStreamID })
	if q == "" {
		return streams
	}
	q = strings.ToLower(q)
	var out []connect.Stream
	for _, s := range streams {
		if strings.Contains(strings.ToLower(s.StreamName), q) || strings.Contains(strings.ToLower(s.TapStreamID), q) {
			out = append(out, s)
		}
	}
	return out
}

func (h *Sources) fieldsPage(c echo.Context, src *connect.Source, streams []connect.Stream, q string, page int) views.FieldsPage {
	id := src.ID.String()
	m := views.FieldsPage{
		Base:     h.stepBase(c, "Choose data", id, connect.StepFieldSelection),
		Steps:    stepItems(src.ReportCard, connect.StepFieldSelection),
		SourceID: id,
		Name:     sourceName(src),
		Query:    q,
		Total:    len(streams),
	}
	for _, s := range streams {
		if streamSelected(s) {
			m.Selected++
		}
	}
	matching := matchStreams(streams, q)
	m.Matching = len(matching)
	m.Pages = (len(matching) + streamsPerPage - 1) / streamsPerPage
	if m.Pages == 0 {
		m.Pages = 1
	}
	if page < 1 {
		page = 1
	}
	if page > m.Pages {
		page = m.Pages
	}
	m.Page = page
	pageURL := func(p int) string {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		v.Set("page", strconv.Itoa(p))
		return "/sources/" + id + "/fields?" + v.Encode()
	}
	if page > 1 {
		m.PrevURL = pageURL(page - 1)
	}
	if page < m.Pages {
		m.NextURL = pageURL(page + 1)
	}
	start := (page - 1) * streamsPerPage
	end := min(start+streamsPerPage, len(matching))
	for _, s := range matching[start:end] {
		m.Streams = append(m.Streams, views.StreamRow{
			TapStreamID: s.TapStreamID,
			Name:        streamLabel(s),
			Detail:      streamDetail(s),
			Selected:    streamSelected(s),
			URL:         "/sources/" + id + "/fields/" + s.StreamID.String(),
		})
	}
	if src.ReportCard.CurrentStepType == connect.StepFullyConfigured {
		m.DoneURL = "/sources/" + id + "/done"
	}
	return m
}

func isView(s connect.Stream) bool { return s.Metadata.IsView != nil && *s.Metadata.IsView }

func streamLabel(s connect.Stream) string {
	if s.Metadata.SchemaName != "" && s.StreamName != "" {
		return s.Metadata.SchemaName + "." + s.StreamName
	}
	if s.StreamName != "" {
		return s.StreamName
	}
	return s.TapStreamID
}

func streamDetail(s connect.Stream) string {
	var parts []string
	md := s.Metadata
	if md.IsView != nil && *md.IsView {
		parts = append(parts, "View")
	}
	if md.RowCount != nil {
		parts = append(parts, groupDigits(*md.RowCount)+" rows")
	}
	switch method := firstNonEmpty(md.ForcedReplicationMethod, md.ReplicationMethod); method {
	case methodIncremental:
		t := "Incremental"
		if k := firstNonEmpty(md.ReplicationKey, first(md.ValidReplicationKeys)); k != "" {
			t += " on " + k
		}
		parts = append(parts, t)
	case methodFullTable:
		parts = append(parts, "Full table")
	case methodLogBased:
		parts = append(parts, "Log-based")
	}
	return strings.Join(parts, " · ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func first(ss []string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return ""
}

// SaveFields handles POST /sources/:id/fields: select and deselect the streams
// shown on the page (or all matching ones), sending only what changed.
func (h *Sources) SaveFields(c echo.Context) error {
	src, acct, ok, err := h.loadForFields(c)
	if !ok || err != nil {
		return err
	}
	ctx := c.Request().Context()
	streams, err := h.API.ListStreams(ctx, acct.Token, src.ID)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	q := strings.TrimSpace(form.Get("q"))
	page, _ := strconv.Atoi(form.Get("page"))

	want := map[string]bool{}
	switch form.Get("action") {
	case "select_all":
		for _, s := range matchStreams(streams, q) {
			want[s.TapStreamID] = true
		}
	default:
		checked := map[string]bool{}
		for _, id := range form["stream"] {
			checked[id] = true
		}
		for _, id := range form["shown"] {
			want[id] = checked[id]
		}
	}
	var updates []connect.StreamMetadataUpdate
	var needKeys []string
	selectedAfter := 0
	for _, s := range streams {
		sel, shown := want[s.TapStreamID]
		was := streamSelected(s)
		if !shown {
			sel = was
		}
		if sel && !was && isView(s) && len(s.Metadata.ViewKeyProperties) == 0 {
			// A view needs its key columns, chosen on its own page.
			needKeys = append(needKeys, streamLabel(s))
			sel = false
		}
		if sel {
			selectedAfter++
		}
		if sel == was {
			continue
		}
		md := map[string]any{"selected": sel}
		if sel && s.Metadata.ForcedReplicationMethod == "" && s.Metadata.ReplicationMethod == "" {
			// Streams without a forced method need one: full table always works.
			md["replication-method"] = methodFullTable
		}
		updates = append(updates, connect.StreamMetadataUpdate{
			TapStreamID: s.TapStreamID,
			Metadata:    []connect.MetadataEntry{{Breadcrumb: []string{}, Metadata: md}},
		})
	}
	renderErr := func(status int, msg string) error {
		m := h.fieldsPage(c, src, streams, q, page)
		m.Error = msg
		m.Title = "Error: " + m.Title
		return render(c, status, views.Fields(m))
	}
	if selectedAfter == 0 {
		msg := "Select at least one stream to replicate."
		if len(needKeys) > 0 {
			msg = "Views need their key columns before Stitch can replicate them: open " + strings.Join(needKeys, ", ") + " with “Choose fields” to pick them."
		}
		return renderErr(http.StatusUnprocessableEntity, msg)
	}
	if len(updates) > 0 {
		if err := h.API.UpdateStreamMetadata(ctx, acct.Token, src.ID, updates); err != nil {
			if status, msg, ok := metadataProblem(err); ok {
				return renderErr(status, msg)
			}
			return err
		}
	}
	updated, err := h.API.GetSource(ctx, acct.Token, src.ID)
	if err != nil {
		return err
	}
	if len(needKeys) > 0 {
		sessionOf(c).SetFlash(FlashWarning, "Saved. Views need their key columns before Stitch can replicate them: open "+strings.Join(needKeys, ", ")+" with “Choose fields” to pick them.")
	} else {
		sessionOf(c).SetFlash(FlashSuccess, plural(selectedAfter, "stream", "streams")+" selected.")
	}
	if updated.ReportCard.CurrentStepType == connect.StepFullyConfigured {
		if src.ReportCard.CurrentStepType != connect.StepFullyConfigured {
			emit(c, "onramp:source_configured", map[string]any{"source_id": updated.ID.String(), "type": updated.Type})
		}
		return redirect(c, "/sources/"+updated.ID.String()+"/done")
	}
	return redirect(c, StepURL(updated.ID.String(), updated.ReportCard.CurrentStepType))
}

// loadStream loads the source (see loadForFields), the stream named in the
// path and its schema.
func (h *Sources) loadStream(c echo.Context) (*connect.Source, Account, *connect.Stream, *connect.StreamSchema, bool, error) {
	src, acct, ok, err := h.loadForFields(c)
	if !ok || err != nil {
		return nil, acct, nil, nil, false, err
	}
	st, schema, err := h.streamAndSchema(c, src, acct)
	if err != nil {
		return nil, acct, nil, nil, false, err
	}
	return src, acct, st, schema, true, nil
}

// streamAndSchema finds the stream named in the path and fetches its schema.
func (h *Sources) streamAndSchema(c echo.Context, src *connect.Source, acct Account) (*connect.Stream, *connect.StreamSchema, error) {
	n, err := strconv.ParseInt(c.Param("stream"), 10, 64)
	if err != nil {
		return nil, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	ctx := c.Request().Context()
	streams, err := h.API.ListStreams(ctx, acct.Token, src.ID)
	if err != nil {
		return nil, nil, err
	}
	var st *connect.Stream
	for i := range streams {
		if int64(streams[i].StreamID) == n {
			st = &streams[i]
		}
	}
	if st == nil {
		return nil, nil, echo.NewHTTPError(http.StatusNotFound)
	}
	schema, err := h.API.GetStreamSchema(ctx, acct.Token, src.ID, st.StreamID)
	if err != nil {
		return nil, nil, err
	}
	return st, schema, nil
}

// fieldInfo is what the stream page needs about one field.
type fieldInfo struct {
	name     string
	typ      string
	md       connect.FieldMetadata
	keyable  bool
	selected bool
}

// streamFields reads field metadata and types from a stream schema.
func streamFields(schema *connect.StreamSchema) (stream map[string]any, fields []fieldInfo) {
	var js struct {
		Properties map[string]struct {
			Type   any    `json:"type"`
			Format string `json:"format"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(schema.Schema, &js)
	byName := map[string]*fieldInfo{}
	for name, p := range js.Properties {
		fi := &fieldInfo{name: name, typ: schemaType(p.Type, p.Format)}
		fi.keyable = strings.Contains(fi.typ, "integer") || p.Format == "date-time"
		byName[name] = fi
	}
	stream = map[string]any{}
	for _, e := range schema.Metadata {
		if len(e.Breadcrumb) == 0 {
			stream = e.Metadata
			continue
		}
		if len(e.Breadcrumb) != 2 || e.Breadcrumb[0] != "properties" {
			continue
		}
		fi, ok := byName[e.Breadcrumb[1]]
		if !ok {
			fi = &fieldInfo{name: e.Breadcrumb[1]}
			byName[fi.name] = fi
		}
		b, _ := json.Marshal(e.Metadata)
		_ = json.Unmarshal(b, &fi.md)
	}
	for _, fi := range byName {
		fi.selected = fieldReplicated(fi.md)
		fields = append(fields, *fi)
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	return stream, fields
}

// fieldReplicated applies the field selection table (API.md §10.5).
func fieldReplicated(md connect.FieldMetadata) bool {
	switch md.Inclusion {
	case "automatic":
		return true
	case "unsupported":
		return false
	}
	if md.Selected != nil {
		return *md.Selected || (md.SelectedByDefault != nil && *md.SelectedByDefault)
	}
	return md.SelectedByDefault != nil && *md.SelectedByDefault
}

func schemaType(t any, format string) string {
	var types []string
	switch v := t.(type) {
	case string:
		types = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok && s != "null" {
				types = append(types, s)
			}
		}
	}
	s := strings.Join(types, " or ")
	if format == "date-time" {
		s = "date-time"
	}
	return s
}

func mdString(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func mdStrings(m map[string]any, k string) []string {
	var out []string
	if l, ok := m[k].([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func (h *Sources) streamPage(c echo.Context, src *connect.Source, st *connect.Stream, schema *connect.StreamSchema) views.StreamPage {
	id := src.ID.String()
	smd, fields := streamFields(schema)
	m := views.StreamPage{
		Base:     h.stepBase(c, streamLabel(*st), id, connect.StepFieldSelection),
		Steps:    stepItems(src.ReportCard, connect.StepFieldSelection),
		SourceID: id,
		StreamID: st.StreamID.String(),
		Name:     streamLabel(*st),
		Selected: streamSelected(*st),
		Forced:   methodName(mdString(smd, "forced-replication-method")),
		BackURL:  "/sources/" + id + "/fields",
	}
	method := mdString(smd, "replication-method")
	key := mdString(smd, "replication-key")
	valid := mdStrings(smd, "valid-replication-keys")
	if m.Forced == "" {
		if method == "" {
			method = methodFullTable
		}
		for _, v := range []string{methodFullTable, methodIncremental} {
			m.Methods = append(m.Methods, views.ChoiceItem{Value: v, Label: methodName(v), Checked: v == method})
		}
	}
	keys := valid
	if len(keys) == 0 {
		for _, f := range fields {
			if f.keyable && f.md.Inclusion != "unsupported" {
				keys = append(keys, f.name)
			}
		}
	}
	if mdString(smd, "forced-replication-method") != methodFullTable {
		for _, k := range keys {
			m.Keys = append(m.Keys, views.ChoiceItem{Value: k, Label: k, Checked: k == key})
		}
	}
	if isView(*st) {
		have := mdStrings(smd, "view-key-properties")
		for _, f := range fields {
			if f.md.Inclusion != "unsupported" {
				m.ViewKeys = append(m.ViewKeys, views.ChoiceItem{Value: f.name, Label: f.name, Checked: slices.Contains(have, f.name)})
			}
		}
	}
	for _, f := range fields {
		row := views.FieldRow{Name: f.name, Type: firstNonEmpty(f.md.SQLDatatype, f.typ), Selected: f.selected}
		switch f.md.Inclusion {
		case "automatic":
			row.Locked, row.Reason = true, "Always included"
		case "unsupported":
			row.Locked, row.Selected = true, false
			row.Reason = firstNonEmpty(f.md.UnsupportedDescription, "Stitch cannot replicate this field")
		}
		m.Fields = append(m.Fields, row)
	}
	return m
}

func methodName(m string) string {
	switch m {
	case methodFullTable:
		return "Full table: copy every row on each run"
	case methodIncremental:
		return "Key-based incremental: copy new and updated rows"
	case methodLogBased:
		return "Log-based incremental"
	}
	return m
}

// Stream handles GET /sources/:id/fields/:stream: one stream's fields.
func (h *Sources) Stream(c echo.Context) error {
	src, _, st, schema, ok, err := h.loadStream(c)
	if !ok || err != nil {
		return err
	}
	return render(c, http.StatusOK, views.StreamFields(h.streamPage(c, src, st, schema)))
}

// SaveStream handles POST /sources/:id/fields/:stream: the stream's selection,
// replication method and key, and its fields (only what changed).
func (h *Sources) SaveStream(c echo.Context) error {
	src, acct, st, schema, ok, err := h.loadStream(c)
	if !ok || err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	smd, fields := streamFields(schema)
	sel := form.Get("selected") == "true"
	stream := map[string]any{}
	if sel != streamSelected(*st) {
		stream["selected"] = sel
	}
	forced := mdString(smd, "forced-replication-method")
	method := form.Get("replication_method")
	key := form.Get("replication_key")
	page := h.streamPage(c, src, st, schema)
	fail := func(status int, msg string) error {
		page.Error = msg
		page.Title = "Error: " + page.Title
		return render(c, status, views.StreamFields(page))
	}
	if sel && forced == "" {
		if method != methodFullTable && method != methodIncremental {
			method = methodFullTable
		}
		if method != mdString(smd, "replication-method") {
			stream["replication-method"] = method
		}
	}
	if sel && (method == methodIncremental || forced == methodIncremental) {
		if key == "" && forced == "" {
			return fail(http.StatusUnprocessableEntity, "Choose a replication key for key-based incremental replication.")
		}
		if key != "" && key != mdString(smd, "replication-key") {
			stream["replication-key"] = key
		}
	}
	if sel && isView(*st) {
		keys := form["view_key"]
		if len(keys) == 0 {
			return fail(http.StatusUnprocessableEntity, "Choose the key columns of this view: the columns that identify a row.")
		}
		if !slices.Equal(keys, mdStrings(smd, "view-key-properties")) {
			stream["view-key-properties"] = keys
		}
	}
	entries := []connect.MetadataEntry{}
	if len(stream) > 0 || sel {
		if sel && len(stream) == 0 {
			stream["selected"] = true // required when selecting fields of a newly selected stream
		}
		entries = append(entries, connect.MetadataEntry{Breadcrumb: []string{}, Metadata: stream})
	}
	if sel {
		checked := map[string]bool{}
		for _, f := range form["field"] {
			checked[f] = true
		}
		for _, f := range fields {
			if f.md.Inclusion != "available" {
				continue
			}
			if checked[f.name] != f.selected {
				entries = append(entries, connect.MetadataEntry{Breadcrumb: []string{"properties", f.name}, Metadata: map[string]any{"selected": checked[f.name]}})
			}
		}
	}
	ctx := c.Request().Context()
	if len(entries) > 0 {
		err := h.API.UpdateStreamMetadata(ctx, acct.Token, src.ID, []connect.StreamMetadataUpdate{{TapStreamID: st.TapStreamID, Metadata: entries}})
		if err != nil {
			if status, msg, ok := metadataProblem(err); ok {
				return fail(status, msg)
			}
			return err
		}
	}
	sessionOf(c).SetFlash(FlashSuccess, "Saved "+streamLabel(*st)+".")
	return redirect(c, "/sources/"+src.ID.String()+"/fields")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// groupDigits writes 2204117 as 2,204,117.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
