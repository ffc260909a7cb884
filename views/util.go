package views

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

func lower(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s // an acronym such as "API key"
	}
	if r[0] >= 'A' && r[0] <= 'Z' {
		r[0] += 'a' - 'A'
	}
	return string(r)
}

func singularLabel(label string) string {
	if len(label) > 1 && label[len(label)-1] == 's' && label[len(label)-2] != 's' {
		return label[:len(label)-1]
	}
	return label
}
