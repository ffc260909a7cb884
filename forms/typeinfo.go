package forms

import (
	"hash/fnv"
	"strings"
	"unicode"
)

// TypeInfo is what a catalog tile shows of a source or destination type.
type TypeInfo struct {
	// Name is the display name, with the partner's overrides.
	Name string
	// Category groups types people look for together ("Database", "Advertising").
	Category string
	// Description says in one line what the type connects.
	Description string
	// Monogram is one or two letters drawn on the tile instead of a logo
	// (no network fetches); Palette is the tile's colour, 0 to Palettes-1,
	// derived from the type so that it never changes.
	Monogram string
	Palette  int
	// Variant explains how a variant such as "MySQL (HP)" differs from its
	// sibling; empty for most types.
	Variant string
	// Search is the lower-case text a catalog search matches: name, type,
	// category and synonyms.
	Search string
}

// Palettes is the number of tile colours (static/forms.css, .tile--0…).
const Palettes = 12

// TypeInfo describes a source or destination type for a catalog tile.
// destination says which catalog it is for (the categories differ).
func (e *Engine) TypeInfo(typ string, destination bool) TypeInfo {
	name := e.TypeName(typ)
	key := strings.TrimPrefix(typ, "platform.")
	info := TypeInfo{Name: name, Monogram: monogram(name), Palette: palette(typ)}
	cat := category(key, destination)
	info.Category = e.words.keyed("forms.category.", cat, "")
	base, variant := splitVariant(key)
	if variant == "hp" {
		info.Variant = e.words.t("forms.variant.hp", "Name", e.TypeName(siblingType(typ, base)))
	}
	info.Description = e.local.description(typ)
	if info.Description == "" {
		info.Description = e.texts.description(typ)
	}
	prefix := "forms.sourceDesc."
	if destination {
		prefix = "forms.destDesc."
	}
	if info.Description == "" {
		info.Description = e.words.keyed(prefix, key, "")
	}
	if info.Description == "" {
		info.Description = e.words.keyed(prefix, base, "")
	}
	if info.Description == "" {
		info.Description = e.categoryDescription(cat, stripVariant(name), destination)
	}
	// Descriptions are left out: "email" would match every marketing tool.
	// The category is searched in the page's words and in English.
	info.Search = strings.ToLower(strings.Join([]string{name, key, info.Category, e.en.keyed("forms.category.", cat, ""), typeSynonyms[base]}, " "))
	return info
}

// description returns the partner's description of a type, or "".
func (t *Texts) description(typ string) string {
	if t == nil {
		return ""
	}
	return t.Descriptions[typ]
}

// monogram is the initials of the first two words of a name ("Amazon
// Redshift" → "AR"), or the first two letters of a one-word name ("Stripe" →
// "St"); a variant in parentheses does not count.
func monogram(name string) string {
	var words []string
	for _, w := range strings.Fields(stripVariant(name)) {
		if r := []rune(w); len(r) > 0 && (unicode.IsLetter(r[0]) || unicode.IsDigit(r[0])) {
			words = append(words, w)
		}
	}
	switch {
	case len(words) == 0:
		return "?"
	case len(words) == 1:
		r := []rune(words[0])
		if len(r) == 1 {
			return strings.ToUpper(string(r))
		}
		return strings.ToUpper(string(r[0])) + string(r[1])
	}
	return strings.ToUpper(string([]rune(words[0])[0]) + string([]rune(words[1])[0]))
}

// palette picks a tile colour from the type, so a type keeps its colour.
func palette(typ string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(typ))
	return int(h.Sum32() % Palettes)
}

func stripVariant(name string) string {
	if i := strings.Index(name, " ("); i > 0 {
		return name[:i]
	}
	return name
}

// splitVariant splits "hp-mysql" into "mysql" and "hp".
func splitVariant(key string) (base, variant string) {
	if b, ok := strings.CutPrefix(key, "hp-"); ok {
		return b, "hp"
	}
	if b, ok := strings.CutPrefix(key, "hp."); ok {
		return b, "hp"
	}
	return key, ""
}

// siblingType is the standard type a variant is a version of.
func siblingType(typ, base string) string {
	switch base {
	case "cloudsql-pg":
		base = "cloudsql_pg"
	case "heroku-pg":
		base = "heroku_pg"
	}
	if strings.HasPrefix(typ, "platform.") {
		return "platform." + base
	}
	return base
}

// category returns a type's category: from the table, else a guess from its name.
func category(key string, destination bool) string {
	base, _ := splitVariant(key)
	if destination {
		if c, ok := destinationCategories[base]; ok {
			return c
		}
		return catDestination
	}
	if c, ok := sourceCategories[base]; ok {
		return c
	}
	for _, w := range []string{"sql", "postgres", "pg", "mongo", "db", "oracle", "maria"} {
		if strings.Contains(base, w) {
			return catDatabase
		}
	}
	return catOther
}

// categoryDescription is the neutral one-line description of a type without
// one of its own: forms.catDesc.source.CAT or forms.catDesc.destination.CAT,
// else the generic one of the catalog.
func (e *Engine) categoryDescription(cat, name string, destination bool) string {
	side := "source"
	if destination {
		side = "destination"
	}
	id := "forms.catDesc." + side + "." + cat
	if e.words.keyed("forms.catDesc.", side, cat) == "" {
		id = "forms.catDesc." + side + ".generic"
	}
	return e.words.t(id, "Name", name)
}
