// Package forms turns one connection step of a Stitch report card into a
// form, and a submission back into the property values the Connect API
// expects, validated against each property's json_schema. It knows report
// cards and JSON Schema, not HTTP; the templ components in package views draw
// its forms.
//
// Make one Engine per program (it caches compiled schemas and is safe for
// concurrent use), then per request:
//
//	f := eng.In(localizer).Build(typ, step, source.Properties, forms.BuildOptions{Edit: true})
//	// GET: render views.ErrorSummary(f) and views.FormFields(f) inside the page's <form>.
//	props, ok := f.Decode(postForm)          // POST: keeps what was typed, secrets excepted
//	if kind, _, _ := f.Action(); kind != "" { /* "Add another"/"Remove" row: re-render, 200 */ }
//	if !ok { /* re-render, 422 */ }
//	// send props; on 400 InvalidProperties: f.AddAPIErrors(bad, msg) and re-render.
//
// Input names: a property's name; the members of an object NAME.SUB (a
// fieldset, sent as one JSON object); a key file's upload _file.NAME, its
// paste box NAME (an object without usable properties, or one documented as
// a key file: the page's <form> then needs enctype="multipart/form-data",
// see Form.Multipart, and puts the file's content in the values under
// _file.NAME); rows of an array of objects NAME[i].SUB;
// the add-row button _add=NAME and a row's remove button _remove=NAME[i]; a
// saved credential's choice _choice.NAME = keep | replace | clear (keep omits
// it from the update). Page-owned inputs (a display name) use NewTextField and
// report problems with Form.AddError so they join the same error summary.
//
// Words: Engine.In gives the engine speaking a request's locale (the
// i18n.Localizer on its context); the form's labels, hints, options,
// legends and messages are then that locale's. The built-in words are
// messages of i18n/locales/forms.LOC.toml (words.go reads them by id);
// a partner's words (Texts, per locale in Texts.Locales) come first.
package forms
