package connect

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// createAccountBody is CreateAccountRequest plus the partner credentials.
type createAccountBody struct {
	PartnerID     string `json:"partner_id"`
	PartnerSecret string `json:"partner_secret"`
	CreateAccountRequest
}

// CreateAccount calls POST /v3/accounts. It sends the partner credentials
// given to WithPartner and no bearer token.
func (c *Client) CreateAccount(ctx context.Context, req CreateAccountRequest) (*Account, error) {
	if c.partnerID == "" || c.partnerSecret == "" {
		return nil, fmt.Errorf("create account: %w", ErrNoPartnerCredentials)
	}
	r, err := jsonRequest(http.MethodPost, "v3/accounts", "", createAccountBody{
		PartnerID: c.partnerID, PartnerSecret: c.partnerSecret, CreateAccountRequest: req,
	})
	if err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	r.secrets = []string{c.partnerSecret}
	var acct Account
	if err := c.do(ctx, r, &acct); err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	return &acct, nil
}

// ExchangeCode calls POST /oauth/token: it trades a one-time authorization
// code for the account's access token (API.md §4.2). The body is form-encoded
// with the partner secret as client_secret. Never retried: a code works once.
func (c *Client) ExchangeCode(ctx context.Context, code string) (*Account, error) {
	if c.partnerSecret == "" {
		return nil, fmt.Errorf("exchange oauth code: %w", ErrNoPartnerCredentials)
	}
	form := url.Values{
		"client_secret": {c.partnerSecret},
		"code":          {code},
		"grant_type":    {"authorization_code"},
	}
	r := request{
		method:      http.MethodPost,
		path:        "oauth/token",
		body:        []byte(form.Encode()),
		contentType: "application/x-www-form-urlencoded",
		secrets:     []string{c.partnerSecret, code},
	}
	var acct Account
	if err := c.do(ctx, r, &acct); err != nil {
		return nil, fmt.Errorf("exchange oauth code: %w", err)
	}
	return &acct, nil
}

// CreateEphemeralSession calls POST /v3/sessions/ephemeral and returns the
// ephemeral token (valid one hour).
func (c *Client) CreateEphemeralSession(ctx context.Context, token string) (string, error) {
	var out struct {
		EphemeralToken string `json:"ephemeral_token"`
	}
	r := request{method: http.MethodPost, path: "v3/sessions/ephemeral", token: token}
	if err := c.do(ctx, r, &out); err != nil {
		return "", fmt.Errorf("create ephemeral session: %w", err)
	}
	if strings.TrimSpace(out.EphemeralToken) == "" {
		return "", fmt.Errorf("create ephemeral session: answer has no ephemeral_token")
	}
	return out.EphemeralToken, nil
}
