package main

import (
	"strings"
)

// common holds our own short help texts for properties many types share.
// "%s" is replaced by the type's name.
var common = map[string]string{
	"anchor_time":               "Optional UTC timestamp the replication schedule is aligned to, e.g. 2024-01-01T06:00:00Z.",
	"cron_expression":           "Optional Quartz cron expression for an advanced schedule; overrides the frequency when set.",
	"frequency_in_minutes":      "How often to replicate, in minutes: 30, 60, 360, 720 or 1440 (1 for databases only).",
	"start_date":                "Earliest date to replicate from, at midnight UTC, e.g. 2024-01-01T00:00:00Z.",
	"image_version":             "Connector version, set by Stitch.",
	"host":                      "Hostname or IP address of the server.",
	"port":                      "Port the server listens on.",
	"user":                      "User Stitch signs in as; read-only access is enough.",
	"username":                  "User Stitch signs in as.",
	"password":                  "Password of that user.",
	"database":                  "Database to connect to.",
	"dbname":                    "Database to connect to.",
	"filter_dbs":                "Optional comma-separated list of databases to discover; leave empty for all.",
	"filter_schemas":            "Optional comma-separated list of schemas to discover; leave empty for all.",
	"ssl":                       "true to connect over SSL/TLS.",
	"ssl_ca":                    "PEM certificate of the certificate authority that signed the server's certificate.",
	"ssl_cert":                  "PEM client certificate, when the server asks for one.",
	"ssl_key":                   "PEM private key of the client certificate.",
	"ssh":                       "true to connect through an SSH tunnel.",
	"ssh_host":                  "Public address of the SSH bastion server (SSH tunnels only).",
	"ssh_port":                  "Port of the SSH bastion server, usually 22 (SSH tunnels only).",
	"ssh_user":                  "User on the SSH bastion server (SSH tunnels only).",
	"encryption_type":           "How to reach the server: none, or ssh for a tunnel.",
	"encryption_host":           "Public address of the SSH bastion server (SSH tunnels only).",
	"encryption_port":           "Port of the SSH bastion server (SSH tunnels only).",
	"encryption_username":       "User on the SSH bastion server (SSH tunnels only).",
	"use_log_based_replication": "true to read changes from the server's replication log.",
	"server_id":                 "Unique replica id Stitch uses when it reads the binary log.",
	"include_schemas_in_destination_stream_name": "true to prefix destination table names with the schema name.",
	"itersize":                   "Advanced: rows fetched per round trip.",
	"debug_lsn":                  "Advanced: log position details for troubleshooting.",
	"logical_poll_total_seconds": "Advanced: how long, in seconds, to wait for new log entries.",
	"api_key":                    "API key of the %s account.",
	"api_token":                  "API token of the %s account.",
	"api_secret":                 "API secret of the %s account.",
	"access_token":               "Access token that lets Stitch read the %s account.",
	"refresh_token":              "Long-lived token Stitch uses to renew access; filled in when you authorize access.",
	"client_id":                  "Client ID of the %s application.",
	"client_secret":              "Client secret of the %s application.",
	"oauth_client_id":            "Client ID of the OAuth application.",
	"oauth_client_secret":        "Client secret of the OAuth application.",
	"redirect_uri":               "Address the OAuth provider sends the user back to after approval.",
	"account_id":                 "ID of the %s account to replicate.",
	"user_agent":                 "Name and contact email Stitch sends with its API requests, e.g. Stitch (ops@example.com).",
	"subdomain":                  "Your %s subdomain, the part before the product's domain in your account's web address.",
	"domain":                     "Domain of your %s account.",
	"attribution_window":         "Number of days during which conversions are attributed to an ad.",
	"conversion_window":          "Number of days during which conversions are counted.",
	"lookback_window":            "Number of days of recent data to read again on every run.",
	"date_window_size":           "Advanced: number of days requested at a time.",
	"page_size":                  "Advanced: records requested per page.",
	"request_timeout":            "Advanced: seconds to wait for each API answer.",
	"region":                     "Region the %s account is hosted in.",
	"environment":                "Environment to read from, e.g. production or sandbox.",
	"sandbox":                    "true to read from a sandbox account.",
	"is_sandbox":                 "true to read from a sandbox account.",
	"bucket":                     "Name of the storage bucket.",
	"s3_bucket":                  "Name of the Amazon S3 bucket.",
	"role_name":                  "IAM role Stitch assumes, set by Stitch.",
	"external_id":                "External ID Stitch uses when it assumes the role, set by Stitch.",
	"account_name":               "Name of the %s account.",
	"report_definitions":         "Custom reports to build: an id and a name for each.",
	"customer_ids":               "Comma-separated IDs of the accounts to replicate.",
	"timezone":                   "Time zone reports are computed in.",
	"organization_id":            "ID of the %s organization.",
	"company_id":                 "ID of the %s company.",
	"developer_token":            "Developer token of the advertising API application.",
	"user_id":                    "ID of the user who authorized access, set by Stitch.",
	"tenant_id":                  "ID of the tenant that authorized access, set by Stitch.",
	"scope":                      "Permissions granted to Stitch, set by Stitch.",
	"endpoint":                   "Base URL of the %s API.",
	"base_url":                   "Base URL of the %s API.",
	"url":                        "Web address of the %s instance.",
	"sid":                        "System identifier (SID) of the Oracle database.",
	"default_replication_method": "Replication method new tables get: LOG_BASED or FULL_TABLE.",
	"jdbc_url":                   "JDBC connection string of the cluster.",
	"output_file_format":         "Format of the files written: csv or jsonl.",
	"s3_key_format_string":       "Pattern of the object keys files are written to.",
	"staging_area":               "Bucket data is staged in before it is loaded.",
	"ssh_config":                 "SSH tunnel settings: ssh (true or false), ssh_host, ssh_port, ssh_user.",
}

// acronyms are written in capitals in built descriptions.
var acronyms = map[string]string{
	"api": "API", "url": "URL", "urls": "URLs", "uri": "URI", "id": "ID", "ids": "IDs", "qb": "QB",
	"sql": "SQL", "ssl": "SSL", "ssh": "SSH", "appid": "app ID", "lsn": "LSN", "oauth": "OAuth",
}

// describe returns our own help text for a property: a shared text, or one
// built from its name, never the reference's wording.
func describe(t *typeDef, p *propDef) string {
	if s, ok := common[p.Name]; ok {
		return strings.ReplaceAll(s, "%s", t.Name)
	}
	parts := strings.FieldsFunc(p.Name, func(r rune) bool { return r == '_' || r == '-' })
	_, startsWithAcronym := acronyms[parts[0]]
	for i, w := range parts {
		if a, ok := acronyms[w]; ok {
			parts[i] = a
		}
	}
	words := strings.Join(parts, " ")
	words = strings.ToUpper(words[:1]) + words[1:]
	switch {
	case p.Kind == "read_only" || p.Kind == "system_provided_by_default":
		return words + ", set by Stitch."
	case p.Credential:
		return words + " of the " + t.Name + " account (kept secret)."
	case strings.Contains(string(p.Schema), "(true|false)") || strings.Contains(string(p.Schema), `"boolean"`):
		if !startsWithAcronym {
			return "true or false: " + strings.ToLower(words[:1]) + words[1:] + "."
		}
		return "true or false: " + words + "."
	case strings.Contains(string(p.Schema), `\\d+`):
		return words + ", a whole number."
	}
	return words + " for " + t.Name + "."
}
