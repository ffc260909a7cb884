package e2e

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/emulator"
	"github.com/onramp/onramp/selection"
)

// Stream and field selection by clicks, with and without JavaScript and by
// keyboard. Every test reads back what the emulator holds.

var fieldsPath = regexp.MustCompile(`/sources/(\d+)/fields`)

// mysqlAtFields adds a MySQL source on database db and waits for the stream list.
func mysqlAtFields(t *testing.T, page playwright.Page, db string) string {
	t.Helper()
	open(t, page, "/sources/new/platform.mysql")
	must(t, page.Locator("#display_name").Fill("Shop "+db), "name")
	must(t, field(page, "host").Fill("db.example.com"), "host")
	must(t, field(page, "port").Fill("3306"), "port")
	must(t, field(page, "user").Fill("stitch"), "user")
	must(t, field(page, "password").Fill("pw"), "password")
	must(t, field(page, "database").Fill(db), "database")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/fields$`)
	m := fieldsPath.FindStringSubmatch(page.URL())
	if m == nil {
		t.Fatalf("no source id in %s", page.URL())
	}
	return m[1]
}

// stitchState reads the source's streams and schemas as Stitch holds them.
func stitchState(t *testing.T, page playwright.Page, id string) ([]connect.Stream, func(connect.Stream) *selection.Schema) {
	t.Helper()
	tok := sessionToken(t, page)
	n, _ := strconv.ParseInt(id, 10, 64)
	streams, err := started.Client.ListStreams(context.Background(), tok, connect.Int(n))
	must(t, err, "list streams")
	return streams, func(s connect.Stream) *selection.Schema {
		ss, err := started.Client.GetStreamSchema(context.Background(), tok, connect.Int(n), s.StreamID)
		must(t, err, "schema")
		return selection.ParseSchema(ss)
	}
}

// mustHold checks exactly want are selected, each with every available
// column (or exactly cols[tap]).
func mustHold(t *testing.T, page playwright.Page, id string, want []string, cols map[string][]string) []connect.Stream {
	t.Helper()
	streams, schema := stitchState(t, page, id)
	var got []string
	for _, s := range streams {
		if selection.Selected(s) {
			got = append(got, s.TapStreamID)
		}
	}
	sort.Strings(got)
	want = slices.Clone(want)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Stitch holds %v selected, want %v", got, want)
	}
	for _, s := range streams {
		if !slices.Contains(want, s.TapStreamID) {
			continue
		}
		for _, f := range schema(s).Fields {
			if f.Inclusion != selection.Available {
				continue
			}
			on := true
			if c, ok := cols[s.TapStreamID]; ok {
				on = slices.Contains(c, f.Name)
			}
			if f.Replicated() != on {
				t.Errorf("%s.%s replicated %v, want %v", s.TapStreamID, f.Name, f.Replicated(), on)
			}
		}
	}
	return streams
}

func box(page playwright.Page, tap string) playwright.Locator {
	return page.Locator(`input[name="stream"][value="` + tap + `"]`)
}

func TestFieldSelectionByClicks(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	id := mysqlAtFields(t, page, "shop")
	must(t, box(page, "shop-customers").Check(), "tick customers")
	must(t, box(page, "shop-daily_sales").Check(), "tick the view")
	// The view asks for its key columns in its row, and the table for its method.
	must(t, expect.Locator(page.Locator(`[data-stream="shop-daily_sales"] [data-testid=view-keys]`)).ToBeVisible(), "view keys inline")
	must(t, expect.Locator(page.Locator(`#method-shop-customers`)).ToHaveValue("FULL_TABLE"), "default method")
	must(t, expect.Locator(page.Locator("[data-testid=summary]")).ToContainText("Start replicating 2 streams"), "summary")
	visit(t, page, "fields-list")
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save without view keys")
	must(t, expect.Locator(page.Locator("[data-testid=error-summary]")).ToContainText("Choose the key columns of the view"), "asked for keys")
	must(t, expect.Locator(box(page, "shop-customers")).ToBeChecked(), "tick kept")
	checkA11y(t, page)
	must(t, page.Locator(`input[name="view_key.shop-daily_sales"][value="day"]`).Check(), "choose the key")
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save")
	waitPath(t, page, `/sources/\d+/done$`)
	streams := mustHold(t, page, id, []string{"shop-customers", "shop-daily_sales"}, nil)
	for _, s := range streams {
		if s.TapStreamID == "shop-daily_sales" && !slices.Equal(s.Metadata.ViewKeyProperties, []string{"day"}) {
			t.Errorf("view keys: got %v", s.Metadata.ViewKeyProperties)
		}
	}

	// One stream's columns, edited on its page.
	open(t, page, "/sources/"+id+"/fields")
	must(t, page.Locator(`[data-stream="shop-customers"] .stream-fields-link`).Click(), "open customers")
	waitPath(t, page, `/fields/\d+$`)
	for _, f := range []string{"first_name", "last_name", "country"} {
		must(t, page.Locator("#field-"+f).Uncheck(), "untick "+f)
	}
	visit(t, page, "fields-stream")
	must(t, page.Locator("[data-testid=save-stream]").Click(), "save stream")
	waitPath(t, page, `/sources/\d+/fields$`)
	mustHold(t, page, id, []string{"shop-customers", "shop-daily_sales"}, map[string][]string{
		"shop-customers": {"email", "marketing_opt_in", "created_at", "updated_at"},
	})
}

func TestFieldSelectionPagesAndLiveFilter(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	id := mysqlAtFields(t, page, "many_120")
	rows := page.Locator(`[data-testid=stream-list] input[name="stream"]`)
	must(t, rows.Nth(0).Check(), "tick 1")
	must(t, rows.Nth(1).Check(), "tick 2")
	must(t, expect.Locator(page.Locator("[data-testid=stream-count]")).ToContainText("2 of 120 streams selected"), "count follows ticks")
	must(t, page.Locator(`[data-testid=pager] button[value="3"]`).Click(), "page 3")
	waitPath(t, page, `page=3`)
	must(t, expect.Locator(page.Locator("[data-testid=stream-count]")).ToContainText("2 of 120 streams selected"), "ticks survive paging")
	must(t, rows.Nth(0).Check(), "tick on page 3")
	// The filter is live: no Enter.
	must(t, page.Locator("#q").Fill("table_0011"), "type filter")
	must(t, expect.Locator(page.Locator("[data-testid=stream-count]")).ToContainText("10 shown"), "filtered live")
	must(t, expect.Locator(page.Locator("[data-testid=stream-count]")).ToContainText("3 of 120 streams selected"), "ticks survive the filter")
	must(t, page.Locator("#q").Fill(""), "clear filter")
	must(t, page.Locator("#only").Check(), "show selected only")
	must(t, expect.Locator(rows).ToHaveCount(3), "three selected shown")
	checkA11y(t, page)
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save")
	waitPath(t, page, `/sources/\d+/done$`)
	mustHold(t, page, id, []string{manyTap(120, 1), manyTap(120, 2), manyTap(120, 101)}, nil)
}

func manyTap(n, i int) string { return fmt.Sprintf("many_%d-public-table_%05d", n, i) }

func TestFieldSelectionWithoutJavaScript(t *testing.T) {
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.JavaScriptEnabled = playwright.Bool(false) })
	createAccount(t, page)
	id := mysqlAtFields(t, page, "many_120")
	rows := page.Locator(`[data-testid=stream-list] input[name="stream"]`)
	must(t, rows.Nth(0).Check(), "tick 1")
	must(t, page.Locator(`[data-testid=pager] button[value="3"]`).Click(), "page 3")
	waitPath(t, page, `page=3`)
	must(t, expect.Locator(page.Locator("[data-testid=stream-count]")).ToContainText("1 of 120 streams selected"), "tick kept across pages")
	must(t, rows.Nth(1).Check(), "tick on page 3")
	// Filter without JavaScript: the form's Filter button (Enter) keeps the ticks.
	must(t, page.Locator("#q").Fill("table_0011"), "filter")
	must(t, page.Locator("#q").Press("Enter"), "submit filter")
	waitPath(t, page, `q=table_0011`)
	must(t, expect.Locator(page.Locator("[data-testid=stream-count]")).ToContainText("2 of 120 streams selected"), "filtered, ticks kept")
	must(t, rows.Nth(0).Check(), "tick a match")
	shotBoth(t, page, "fields-nojs")
	checkA11yNoJS(t, page)
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save")
	waitPath(t, page, `/sources/\d+/done$`)
	mustHold(t, page, id, []string{manyTap(120, 1), manyTap(120, 102), manyTap(120, 110)}, nil)

	// A view without JavaScript: ticking it and saving asks for its keys in its row.
	id = mysqlAtFields(t, page, "shop")
	must(t, box(page, "shop-daily_sales").Check(), "tick the view")
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save")
	must(t, expect.Locator(page.Locator("[data-testid=error-summary]")).ToContainText("Choose the key columns"), "keys asked")
	must(t, page.Locator(`input[name="view_key.shop-daily_sales"][value="day"]`).Check(), "key")
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save with keys")
	waitPath(t, page, `/sources/\d+/done$`)
	mustHold(t, page, id, []string{"shop-daily_sales"}, nil)
}

func TestFieldSelectionKeyboardOnly(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	id := mysqlAtFields(t, page, "many_120")
	kb := page.Keyboard()
	focusByTab(t, page, `input[name="stream"] >> nth=0`)
	must(t, kb.Press("Space"), "tick")
	focusByTab(t, page, `[data-testid=pager] button[value="2"]`)
	must(t, kb.Press("Enter"), "page 2")
	waitPath(t, page, `page=2`)
	focusByTab(t, page, `input[name="stream"] >> nth=0`)
	must(t, kb.Press("Space"), "tick on page 2")
	must(t, expect.Locator(page.Locator("[data-testid=stream-count]")).ToContainText("2 of 120 streams selected"), "count")
	focusByTab(t, page, "[data-testid=save-streams]")
	must(t, kb.Press("Enter"), "save")
	waitPath(t, page, `/sources/\d+/done$`)
	mustHold(t, page, id, []string{manyTap(120, 1), manyTap(120, 51)}, nil)
}

func TestFieldSelectionSurvivesAFailedSave(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	id := mysqlAtFields(t, page, "shop")
	must(t, box(page, "shop-customers").Check(), "tick")
	must(t, box(page, "shop-products").Check(), "tick")
	started.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Method: "PUT", Path: "/v4/sources/" + id + "/streams/metadata", Status: 500}}})
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save")
	must(t, expect.Locator(page.Locator("[data-testid=error-summary]")).ToContainText("Your choices are kept"), "error shown")
	started.Emulator.SetFaults(emulator.Faults{})
	must(t, expect.Locator(box(page, "shop-customers")).ToBeChecked(), "tick kept")
	must(t, expect.Locator(box(page, "shop-products")).ToBeChecked(), "tick kept")
	checkA11y(t, page)
	if got, _ := stitchState(t, page, id); slices.ContainsFunc(got, selection.Selected) {
		t.Fatal("something was saved by the failed request")
	}
	must(t, page.Locator("[data-testid=save-streams]").Click(), "send again")
	waitPath(t, page, `/sources/\d+/done$`)
	mustHold(t, page, id, []string{"shop-customers", "shop-products"}, nil)
}
