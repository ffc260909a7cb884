package selection

// Words gives the package its words in the page's language, from the
// message catalog (*i18n.Localizer satisfies it): T is a message, N the
// plural form of one for a count, formatted for the locale as {{.Count}}.
// kv are the message's data as name, value pairs. The ids are in
// i18n/locales/pages.*.toml, under [selection].
type Words interface {
	T(id string, kv ...any) string
	N(id string, n int, kv ...any) string
}

// ids is the Words of a caller that gives none: every message reads as its
// id, so a missing localizer shows in tests instead of silent English.
type ids struct{}

func (ids) T(id string, _ ...any) string        { return id }
func (ids) N(id string, _ int, _ ...any) string { return id }

func wordsOr(w Words) Words {
	if w == nil {
		return ids{}
	}
	return w
}

// Problem texts are catalog messages: ID and its Data (name, value pairs),
// worded for the page by Text.

// Text is the problem in the page's language.
func (p Problem) Text(w Words) string { return wordsOr(w).T(p.ID, p.Data...) }
