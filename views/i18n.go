package views

import (
	"context"
	"html"
	"strings"

	"github.com/a-h/templ"

	"github.com/onramp/onramp/i18n"
)

// T is a message of the catalog in the page's language (the localizer the
// request's context carries); kv are its data as name, value pairs.
func T(ctx context.Context, id string, kv ...any) string { return i18n.From(ctx).T(id, kv...) }

// N is the plural form of a message for n, in the page's language.
func N(ctx context.Context, id string, n int, kv ...any) string {
	return i18n.From(ctx).N(id, n, kv...)
}

// TH is a message whose text carries a little markup (<strong>, a link):
// the catalog's text is trusted, every string of kv is escaped.
func TH(ctx context.Context, id string, kv ...any) templ.Component {
	esc := make([]any, len(kv))
	for i, v := range kv {
		if s, ok := v.(string); ok && i%2 == 1 {
			v = html.EscapeString(s)
		}
		esc[i] = v
	}
	return templ.Raw(i18n.From(ctx).T(id, esc...))
}

// fullTitle is the document title in the page's language. Handlers mark an
// error page's title with an English "Error: " prefix (GOV.UK style, so a
// screen reader hears it first); it is worded here in the page's language.
func fullTitle(ctx context.Context, b Base) string {
	if rest, ok := strings.CutPrefix(b.Title, "Error: "); ok {
		b.Title = T(ctx, "common.errorTitle", "Title", rest)
	}
	return b.FullTitle()
}
