package connect

import "testing"

func TestStepSignedInAndMissingUserValues(t *testing.T) {
	sys := func(provided bool) Property {
		return Property{Name: "refresh_token", IsRequired: true, IsCredential: true, PropertyType: PropertySystemProvidedByDefault, Provided: provided}
	}
	user := func(provided bool) Property {
		return Property{Name: "view_id", IsRequired: true, PropertyType: PropertyUserProvided, Provided: provided}
	}
	optionalSys := Property{Name: "access_token", PropertyType: PropertySystemProvidedByDefault}
	cases := []struct {
		name            string
		props           []Property
		signedIn, needs bool
	}{
		{"nothing done (Google Analytics after create)", []Property{sys(false), sys(false), user(false)}, false, true},
		{"signed in, view id left", []Property{sys(true), sys(true), user(false)}, true, true},
		{"all done", []Property{sys(true), user(true)}, true, false},
		{"view id typed first (older flow), sign-in left", []Property{sys(false), user(true)}, false, false},
		{"only tokens (HubSpot)", []Property{sys(false)}, false, false},
		{"an optional token does not hold the sign-in", []Property{sys(true), optionalSys}, true, false},
		{"no properties", nil, true, false},
	}
	for _, tc := range cases {
		st := Step{Type: StepOAuth, Properties: tc.props}
		if got := st.SignedIn(); got != tc.signedIn {
			t.Errorf("%s: SignedIn = %v, want %v", tc.name, got, tc.signedIn)
		}
		if got := st.MissingUserValues(); got != tc.needs {
			t.Errorf("%s: MissingUserValues = %v, want %v", tc.name, got, tc.needs)
		}
	}
}
