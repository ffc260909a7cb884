package forms

// The built-in data of the forms. Their words (labels, hints, messages,
// option labels, legends) are in the message catalog, in every locale:
// i18n/locales/forms.LOC.toml (see words.go). What is here is the same in
// every language: examples of values and the values a new form starts with.
// All tables are read-only.

import "strings"

// fieldData holds the examples of well-known property names, for every type.
var fieldData = map[string]FieldText{
	"host":            {Placeholder: "db.example.com"},
	"ssh_host":        {Placeholder: "bastion.example.com"},
	"ssh_port":        {Placeholder: "22"},
	"encryption_type": {Default: "none"},
	"encryption_host": {Placeholder: "bastion.example.com"},
	"encryption_port": {Placeholder: "22"},
	"cron_expression": {Placeholder: "0 0 6 * * ?"},
	"repository":      {Placeholder: "octocat/hello-world"},
	"email":           {Placeholder: "name@example.com"},
	"user_email":      {Placeholder: "name@example.com"},
	"base_url":        {Placeholder: "https://example.com"},
	"api_url":         {Placeholder: "https://api.example.com"},
}

// defaultPorts are the ports databases and warehouses listen on by default:
// a new form starts with it, and its messages give it as the example.
var defaultPorts = map[string]string{
	"platform.mysql": "3306", "platform.hp-mysql": "3306", "platform.cloudsql": "3306", "platform.hp-cloudsql": "3306",
	"platform.mariadb": "3306", "platform.hp-mariadb": "3306", "platform.aurora": "3306", "platform.hp-aurora": "3306",
	"platform.postgres": "5432", "platform.hp-postgres": "5432", "platform.cloudsql_pg": "5432", "platform.hp-cloudsql-pg": "5432",
	"platform.heroku_pg": "5432", "platform.hp-heroku-pg": "5432",
	"platform.mssql": "1433", "platform.hp-mssql": "1433", "platform.oracle": "1521", "platform.hp-oracle": "1521",
	"platform.mongodb": "27017", "platform.hp-mongodb": "27017", "platform.db2": "50000",
	"postgres": "5432", "redshift": "5439", "panoply": "5439", "snowflake": "443",
	"mssql_server": "1433", "azure_sqldw": "1433", "mysql_destination": "3306",
}

// sslOn starts a destination's SSL checkbox on: warehouses accept it and it
// keeps the data encrypted on its way.
var sslOn = FieldText{Default: "true"}

// typeData are the examples and defaults of one type's properties.
var typeData = map[string]map[string]FieldText{
	"platform.google-analytics": {"view_id": {Placeholder: "123456789"}},

	"postgres": {"ssl": sslOn},
	"redshift": {"host": {Placeholder: "examplecluster.abc123.us-west-2.redshift.amazonaws.com"}},
	"panoply":  {"host": {Placeholder: "db.panoply.io"}},
	"snowflake": {
		"host":      {Placeholder: "xy12345.us-east-1.snowflakecomputing.com"},
		"warehouse": {Placeholder: "LOADING_WH"},
		"role":      {Placeholder: "STITCH_ROLE"},
	},
	"mssql_server":      {"ssl": sslOn},
	"mysql_destination": {"ssl": sslOn},
	"azure_sqldw": {
		"azure_storage_sas_url": {Placeholder: "https://account.blob.core.windows.net/?sv=…"},
	},
	"bigquery_v2": {
		"cloud_storage_location": {Default: "US"},
		"loading_mode":           {Default: "UPSERT"},
	},
	"databricks_delta": {
		"jdbc_url":            {Placeholder: "jdbc:spark://…"},
		"staging_area.scheme": {Default: "s3"},
	},
	"s3": {
		"s3_key_format_string": {Placeholder: "[integration_name]/[table_name]/[table_version]_[timestamp_loaded].csv", Default: "[integration_name]/[table_name]/[table_version]_[timestamp_loaded].csv"},
		"output_file_format":   {Default: "csv"},
		"csv_delimiter":        {Placeholder: ","},
	},
}

// groupHintIDs are the catalog ids of the hints explaining a group below its legend.
var groupHintIDs = map[string]string{
	groupAdvanced: "forms.groupHint.advanced",
}

// wellKnownOrder orders fields within a group after required ones come first.
var wellKnownOrder = func() map[string]int {
	names := []string{
		"host", "port", "database", "dbname", "user", "username", "password",
		"account", "warehouse", "role", "filter_dbs", "filter_schemas",
		"shop", "subdomain", "domain", "base_url", "api_url",
		"client_id", "client_secret", "api_key", "api_token", "token", "api_secret", "access_token", "refresh_token",
		"account_id", "customer_id", "view_id", "report_definitions", "repository",
		"ssh", "ssh_host", "ssh_port", "ssh_user",
		"encryption_type", "encryption_host", "encryption_port", "encryption_username",
		"ssl", "ssl_ca", "ssl_cert", "ssl_key", "ssl_client_auth_enabled", "sslrootcert",
		"start_date", "frequency_in_minutes", "anchor_time", "cron_expression",
		"jdbc_url", "scheme", "bucket_name", "service_account_credentials", "cloud_storage_location", "loading_mode",
	}
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[n] = i + 1
	}
	return m
}()

// wellKnownRank is a name's place in wellKnownOrder; unknown names come last.
func wellKnownRank(name string) int {
	if o := wellKnownOrder[name]; o > 0 {
		return o
	}
	return len(wellKnownOrder) + 1
}

// advancedNames are optional properties rarely needed, shown under
// "Advanced settings" with their default explained.
var advancedNames = map[string]bool{
	"server_id": true, "use_log_based_replication": true, "cron_expression": true, "anchor_time": true,
	"allow_non_auto_increment_pks": true, "include_inactives": true, "itersize": true, "incremental_limit": true,
	"include_schemas_in_destination_stream_name": true, "default_replication_method": true, "page_size": true,
	"date_window_size": true, "request_timeout": true, "select_fields_by_default": true, "verify_mode": true,
}

// isAdvanced reports whether an optional property belongs under "Advanced
// settings": the names above, batch sizes and API scopes.
func isAdvanced(name string) bool {
	return advancedNames[name] || strings.HasSuffix(name, "_chunk_size") || strings.HasSuffix(name, "_batch_size") ||
		strings.Contains(name, "scope")
}

// switchNames are string properties that hold "true" or "false" even where
// their schema only says string: drawn as a checkbox.
var switchNames = map[string]bool{"ssh": true, "ssl": true}

// unmasked are credentials that are not secrets: a username is typed and
// read back in the clear, never masked.
var unmasked = map[string]bool{"username": true, "user": true, "ssh_user": true, "encryption_username": true}

// isKeyFile names the object properties documented as a key file: they are
// uploaded as a JSON document even when their schema lists the members.
func isKeyFile(name string) bool {
	return strings.Contains(name, "service_account") || strings.HasSuffix(name, "key_file") || strings.HasSuffix(name, "_keyfile")
}

// keyFileShape is what a key file must contain, by the kind of key its
// property names, with the words used when it does not.
type keyFileShape struct {
	kind    string   // the catalog's word for it: forms.keyFile.KIND.what, .shape
	members []string // members that must be present and not empty
}

// keyFileShapeOf returns the shape a key file property expects, or false.
func keyFileShapeOf(name string) (keyFileShape, bool) {
	if strings.Contains(name, "service_account") {
		return keyFileShape{kind: "google", members: []string{"type", "project_id", "private_key", "client_email"}}, true
	}
	return keyFileShape{}, false
}
