package forms

// Field returns the field of a property, or nil when the form does not show it.
func (f *Form) Field(name string) *Field { return f.byName[name] }

// Fields returns every field of the form in page order (row cells excepted).
func (f *Form) Fields() []*Field { return f.fields }
