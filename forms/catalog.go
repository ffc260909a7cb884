package forms

// The built-in words of the forms, in our own words. All tables are read-only.

import "strings"

// builtinFields holds the words of well-known property names, for every type.
var builtinFields = map[string]FieldText{
	// Connection details of databases.
	"host": {Label: "Host", Hint: "The address of your server, as a host name or IP address.", Placeholder: "db.example.com",
		Required: "Enter the host name or IP address of your server", Invalid: "Enter a host name or IP address, like db.example.com"},
	"port": {Label: "Port", Hint: "The port your server listens on.",
		Required: "Enter the port your server listens on", Invalid: "Enter a port number between 1 and 65535"},
	"user":     {Label: "Username", Hint: "The user Stitch signs in as. Read-only access is enough.", Required: "Enter the username"},
	"username": {Label: "Username", Required: "Enter the username"},
	"password": {Label: "Password", Required: "Enter your password"},
	"database": {Label: "Database", Hint: "The name of the database to connect to.", Required: "Enter the name of the database"},
	"dbname":   {Label: "Database", Hint: "The name of the database to connect to.", Required: "Enter the name of the database"},
	"filter_dbs": {Label: "Databases to include", Hint: "Names separated by commas. Leave empty to include every database the user can read.",
		Placeholder: "sales,marketing"},
	"filter_schemas": {Label: "Schemas to include", Hint: "Names separated by commas. Leave empty to include every schema."},
	"include_schemas_in_destination_stream_name": {Label: "Prefix table names with their schema",
		Hint: "Keeps tables with the same name in different schemas apart."},
	"use_log_based_replication": {Label: "Use log-based replication",
		Hint: "Off by default: Stitch reads tables with queries. Turn it on to read changes from the database log instead (your server must keep a row-based log)."},
	"default_replication_method": {Label: "Default replication method", Hint: "Leave empty to choose per table later."},
	"server_id": {Label: "Server ID",
		Hint: "Leave empty and Stitch picks one. Set it only when another replica of your server already uses the ID Stitch would pick."},
	"allow_non_auto_increment_pks": {Label: "Allow tables without an auto-increment primary key",
		Hint: "Off by default. Applies to full table replication."},
	"itersize":  {Label: "Rows per batch", Hint: "Leave empty to use Stitch's default."},
	"account":   {Label: "Account"},
	"warehouse": {Label: "Warehouse"},
	"role":      {Label: "Role"},

	// SSH tunnel.
	"ssh":      {Label: "Connect through an SSH tunnel", Hint: "Use this when your server is only reachable through a bastion host."},
	"ssh_host": {Label: "SSH host", Placeholder: "bastion.example.com", Required: "Enter the host name or IP address of the SSH server", Invalid: "Enter a host name or IP address, like bastion.example.com"},
	"ssh_port": {Label: "SSH port", Placeholder: "22", Required: "Enter the port of the SSH server, like 22", Invalid: "Enter a port number, like 22"},
	"ssh_user": {Label: "SSH username", Required: "Enter the SSH username"},

	// Encrypted connection of destinations.
	"encryption_type": {Label: "Connect", Default: "none",
		Hint: "Most servers are reached directly. Choose an SSH tunnel only when yours is reachable through a bastion host alone."},
	"encryption_host":     {Label: "SSH host", Placeholder: "bastion.example.com", Invalid: "Enter a host name or IP address, like bastion.example.com"},
	"encryption_port":     {Label: "SSH port", Placeholder: "22", Invalid: "Enter a port number, like 22"},
	"encryption_username": {Label: "SSH username"},

	// SSL.
	"ssl":                     {Label: "Connect using SSL", Hint: "Encrypts the connection to your server. Leave it on unless your server does not accept SSL."},
	"ssl_ca":                  {Label: "Certificate authority (CA)", Hint: "Paste the PEM certificate, including the BEGIN and END lines."},
	"ssl_cert":                {Label: "Client certificate", Hint: "Paste the PEM certificate, including the BEGIN and END lines."},
	"ssl_key":                 {Label: "Client key", Hint: "Paste the PEM private key, including the BEGIN and END lines."},
	"ssl_client_auth_enabled": {Label: "Use a client certificate"},
	"sslrootcert":             {Label: "Root certificate", Hint: "Paste the PEM certificate, including the BEGIN and END lines."},
	"check_hostname":          {Label: "Check the server's host name"},

	// Replication schedule.
	"start_date": {Label: "Start date", Hint: "Stitch replicates data from this date onwards.",
		Required: "Enter the date to replicate from, like 2024-01-31", Invalid: "Enter a date, like 2024-01-31"},
	"end_date": {Label: "End date", Invalid: "Enter a date, like 2024-01-31"},
	"frequency_in_minutes": {Label: "Replication frequency", Hint: "How often Stitch looks for new data.",
		Required: "Choose how often to replicate", Invalid: "Choose how often to replicate"},
	"cron_expression": {Label: "Cron schedule",
		Hint:        "Leave empty to replicate at the frequency above. A cron expression replaces the frequency, like 0 0 6 * * ? for 06:00 UTC every day.",
		Placeholder: "0 0 6 * * ?"},
	"anchor_time": {Label: "First run at",
		Hint:    "Leave empty to start as soon as the setup is done. Otherwise runs start at this time (UTC), then repeat at the chosen frequency.",
		Invalid: "Enter a date and time, like 2024-01-31 09:30"},
	"email_chunk_size":        {Label: "Email events per request", Hint: "Leave empty to use the default. Lower it only if HubSpot times out on email events."},
	"subscription_chunk_size": {Label: "Subscription changes per request", Hint: "Leave empty to use the default. Lower it only if HubSpot times out on subscription changes."},
	"include_inactives":       {Label: "Include inactive owners", Hint: "Off by default: only active owners are replicated."},
	"require_content_scope": {Label: "Require the content scope",
		Hint: "Off by default. Turn it on only if your HubSpot app was granted the content scope (marketing emails, pages)."},
	"incremental_limit": {Label: "Incremental limit", Hint: "Leave empty to use Stitch's default."},
	"verify_mode":       {Label: "Verify the server's certificate", Hint: "Off by default."},

	// Credentials and accounts of SaaS apps.
	"client_id":           {Label: "Client ID", Required: "Enter the client ID"},
	"client_secret":       {Label: "Client secret", Required: "Enter the client secret"},
	"oauth_client_id":     {Label: "OAuth client ID", Required: "Enter the OAuth client ID"},
	"oauth_client_secret": {Label: "OAuth client secret", Required: "Enter the OAuth client secret"},
	"refresh_token":       {Label: "Refresh token", Required: "Enter the refresh token"},
	"access_token":        {Label: "Access token", Required: "Enter the access token"},
	"access_token_secret": {Label: "Access token secret", Required: "Enter the access token secret"},
	"api_key":             {Label: "API key", Hint: "Find it in your account settings.", Required: "Enter your API key"},
	"api_token":           {Label: "API token", Hint: "Find it in your account settings.", Required: "Enter your API token"},
	"token":               {Label: "API token", Required: "Enter your API token"},
	"api_secret":          {Label: "API secret", Required: "Enter your API secret"},
	"secret_key":          {Label: "Secret key", Required: "Enter your secret key"},
	"consumer_key":        {Label: "Consumer key", Required: "Enter the consumer key"},
	"consumer_secret":     {Label: "Consumer secret", Required: "Enter the consumer secret"},
	"developer_token":     {Label: "Developer token", Required: "Enter the developer token"},
	"auth_token":          {Label: "Auth token", Required: "Enter the auth token"},
	"private_key":         {Label: "Private key", Hint: "Paste the whole key, including the BEGIN and END lines.", Required: "Enter the private key"},
	"view_id":             {Label: "View ID", Hint: "A number found in the view settings of your analytics account.", Required: "Enter the view ID", Invalid: "Enter the view ID: a number, like 123456789"},
	"account_id":          {Label: "Account ID", Required: "Enter your account ID"},
	"account_ids":         {Label: "Account IDs", Hint: "Separate IDs with commas."},
	"customer_id":         {Label: "Customer ID", Required: "Enter your customer ID"},
	"customer_ids":        {Label: "Customer IDs", Hint: "Separate IDs with commas."},
	"user_id":             {Label: "User ID"},
	"repository": {Label: "Repositories", Hint: "One or more repositories written as owner/name, separated by spaces.",
		Placeholder: "octocat/hello-world", Required: "Enter at least one repository, like octocat/hello-world"},
	"subdomain": {Label: "Subdomain", Hint: "The first part of your account's address, before the first dot.",
		Placeholder: "yourcompany", Required: "Enter your subdomain"},
	"shop": {Label: "Shop name", Hint: "The part of your shop's address before .myshopify.com.",
		Placeholder: "your-shop", Required: "Enter your shop name"},
	"domain":             {Label: "Domain", Placeholder: "yourcompany.example.com", Required: "Enter your domain"},
	"email":              {Label: "Email address", Placeholder: "name@example.com", Required: "Enter your email address", Invalid: "Enter an email address, like name@example.com"},
	"user_email":         {Label: "Email address", Placeholder: "name@example.com", Invalid: "Enter an email address, like name@example.com"},
	"base_url":           {Label: "Base URL", Placeholder: "https://example.com", Invalid: "Enter a web address, like https://example.com"},
	"api_url":            {Label: "API URL", Placeholder: "https://api.example.com", Invalid: "Enter a web address, like https://api.example.com"},
	"redirect_uri":       {Label: "Redirect URI"},
	"sandbox":            {Label: "Use the sandbox environment"},
	"is_sandbox":         {Label: "Use the sandbox environment"},
	"include_deleted":    {Label: "Include deleted records"},
	"lookback_window":    {Label: "Lookback window (days)"},
	"attribution_window": {Label: "Attribution window (days)"},
	"page_size":          {Label: "Page size"},
	"date_window_size":   {Label: "Date window size (days)"},
	"report_definitions": {Label: "Reports", Hint: "Each report needs a name and the ID of a custom report.",
		Required: "Add at least one report"},
	"name":           {Label: "Name", Required: "Enter a name"},
	"id":             {Label: "ID", Required: "Enter an ID"},
	"bucket":         {Label: "Bucket", Required: "Enter the bucket name"},
	"s3_bucket":      {Label: "S3 bucket", Required: "Enter the bucket name"},
	"project_id":     {Label: "Project ID", Required: "Enter the project ID"},
	"aws_access_key": {Label: "AWS access key ID"},
	"aws_secret_key": {Label: "AWS secret access key"},
	"role_arn":       {Label: "IAM role ARN"},
	"external_id":    {Label: "External ID"},
	"image_version":  {Label: "Integration version"},
}

// builtinTypeFields holds words that differ for one type: the typeWords
// below, with each database's usual port (placeholder and default).
var builtinTypeFields = func() map[string]map[string]FieldText {
	out := make(map[string]map[string]FieldText, len(typeWords)+len(defaultPorts))
	for typ, words := range typeWords {
		out[typ] = words
	}
	for typ, port := range defaultPorts {
		m := make(map[string]FieldText, len(out[typ])+1)
		for k, v := range out[typ] {
			m[k] = v
		}
		m["port"] = mergeText(m["port"], FieldText{
			Placeholder: port, Default: port,
			Required: "Enter the port your server listens on, like " + port,
			Invalid:  "Enter a port number, like " + port,
		})
		out[typ] = m
	}
	return out
}()

// defaultPorts are the ports databases and warehouses listen on by default.
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

// typeWords are the words of one type's properties.
var typeWords = map[string]map[string]FieldText{
	"platform.hubspot":          {"start_date": {Hint: "Stitch replicates HubSpot records changed on or after this date."}},
	"platform.github":           {"access_token": {Label: "Personal access token", Hint: "Create one in your GitHub developer settings with the repo scope."}},
	"platform.zendesk":          {"subdomain": {Hint: "The part of your Zendesk address before .zendesk.com."}},
	"platform.google-analytics": {"view_id": {Placeholder: "123456789", Hint: "The view Stitch reads reports from. In Google Analytics, open Admin, choose the account and property, then View settings: the View ID is the number at the top."}},
	"platform.shopify":          {"shop": {Hint: "The part of your shop's address before .myshopify.com."}},

	"postgres": {
		"host":     {Hint: "Your PostgreSQL server's host name or IP address, like db.example.com."},
		"database": {Hint: "The database Stitch loads data into. Stitch creates a schema in it for each source."},
		"username": {Hint: "The PostgreSQL user Stitch signs in as. It needs CREATE permission on the database."},
		"ssl":      sslOn,
	},
	"redshift": {
		"host":     {Hint: "Your cluster's endpoint without the port, like examplecluster.abc123.us-west-2.redshift.amazonaws.com.", Placeholder: "examplecluster.abc123.us-west-2.redshift.amazonaws.com"},
		"database": {Hint: "The database Stitch loads data into, like dev."},
		"username": {Hint: "The Redshift user Stitch signs in as. It needs CREATE permission on the database."},
	},
	"panoply": {
		"host":     {Hint: "Your Panoply warehouse's host name, shown in Panoply under Connect.", Placeholder: "db.panoply.io"},
		"username": {Hint: "The Panoply user Stitch signs in as."},
	},
	"snowflake": {
		"host": {Label: "Account host name", Placeholder: "xy12345.us-east-1.snowflakecomputing.com",
			Hint:     "Your Snowflake account's address without https://, like xy12345.us-east-1.snowflakecomputing.com.",
			Required: "Enter your Snowflake account's host name, like xy12345.us-east-1.snowflakecomputing.com",
			Invalid:  "Enter a host name, like xy12345.us-east-1.snowflakecomputing.com"},
		"port":      {Hint: "Snowflake listens on 443. Change it only if your account team told you to."},
		"database":  {Hint: "The Snowflake database Stitch loads data into. It must exist already."},
		"warehouse": {Placeholder: "LOADING_WH", Hint: "The virtual warehouse Stitch runs its loads on, like LOADING_WH. It must exist already.", Required: "Enter the name of the warehouse"},
		"role":      {Placeholder: "STITCH_ROLE", Hint: "The Snowflake role Stitch uses. Leave empty to use the user's default role."},
		"username":  {Hint: "The Snowflake user Stitch signs in as."},
	},
	"mssql_server": {
		"username": {Hint: "The SQL Server login Stitch signs in as."},
		"ssl":      sslOn,
	},
	"mysql_destination": {
		"username": {Hint: "The MySQL user Stitch signs in as. It needs CREATE permission."},
		"ssl":      sslOn,
	},
	"azure_sqldw": {
		"host":                        {Placeholder: "yourserver.database.windows.net", Hint: "Your Synapse workspace's SQL endpoint, like yourserver.database.windows.net."},
		"azure_storage_account_token": {Label: "Storage account access key", Hint: "An access key of the Azure Storage account Stitch stages data in (Storage account, then Access keys)."},
		"azure_storage_sas_url":       {Label: "Blob service SAS URL", Hint: "A shared access signature URL of the same storage account's Blob service.", Placeholder: "https://account.blob.core.windows.net/?sv=…"},
	},
	"bigquery_v2": {
		"service_account_credentials": {Label: "Service account key file",
			Hint:     "The JSON key of the Google Cloud service account Stitch loads data with. Create one in the Google Cloud console: IAM & Admin, Service accounts, choose the account, Keys, Add key, JSON.",
			Required: "Choose the service account's JSON key file, or paste its content"},
		"cloud_storage_location": {Label: "Cloud Storage region", Default: "US",
			Hint: "Where Stitch stages data before loading it. Choose the location of your BigQuery datasets; US or EU suit most."},
		"loading_mode": {Label: "Loading mode", Default: "UPSERT",
			Hint: "Upsert keeps the latest version of each row; append only adds every new version as a new row. It can't be changed later."},
	},
	"databricks_delta": {
		"access_token": {Label: "Access token", Hint: "A Databricks personal access token: in Databricks, open User settings, Developer, Access tokens."},
		"jdbc_url": {Label: "JDBC URL", Placeholder: "jdbc:spark://…",
			Hint: "The JDBC URL of your cluster or SQL warehouse: in Databricks, its Connection details or Advanced options, JDBC/ODBC."},
		"ssh_config":               {Label: "SSH tunnel", Hint: "Use a tunnel only when your workspace is reachable through a bastion host alone."},
		"ssh_config.ssh":           {Hint: "Leave it off to connect to Databricks directly."},
		"staging_area":             {Label: "Staging bucket", Hint: "An existing Amazon S3 bucket where Stitch stages data before loading it into Delta Lake."},
		"staging_area.scheme":      {Label: "Storage service", Default: "s3", Hint: "s3 for an Amazon S3 bucket."},
		"staging_area.bucket_name": {Label: "Bucket name", Placeholder: "my-staging-bucket", Required: "Enter the name of the S3 bucket"},
	},
	"dataworld": {
		"account_id": {Label: "data.world account ID", Hint: "Your data.world user name or the organisation's, as in data.world/ACCOUNT."},
	},
	"s3": {
		"s3_bucket": {Label: "Bucket name", Placeholder: "my-stitch-bucket", Hint: "An existing Amazon S3 bucket Stitch writes files to."},
		"s3_key_format_string": {Label: "File names", Placeholder: "[integration_name]/[table_name]/[table_version]_[timestamp_loaded].csv", Default: "[integration_name]/[table_name]/[table_version]_[timestamp_loaded].csv",
			Hint: "How Stitch names the files it writes. The words in brackets are replaced when a file is written."},
		"output_file_format": {Label: "File format", Default: "csv"},
		"csv_delimiter":      {Label: "CSV delimiter", Placeholder: ",", Hint: "Leave empty for a comma."},
		"csv_force_quote":    {Label: "Quote every CSV value"},
	},
}

// builtinOptions labels the options of well-known properties.
var builtinOptions = map[string]map[string]string{
	"frequency_in_minutes": {
		"1": "Every minute", "30": "Every 30 minutes", "60": "Every hour",
		"360": "Every 6 hours", "720": "Every 12 hours", "1440": "Once a day",
	},
	"encryption_type":        {"ssh": "Through an SSH tunnel", "none": "Directly, without a tunnel"},
	"loading_mode":           {"UPSERT": "Upsert (latest version of each row)", "APPEND_ONLY": "Append only (every version)"},
	"cloud_storage_location": {"US": "US (multi-region)", "EU": "EU (multi-region)"},
}

// builtinOptionWords labels option values that mean the same for any property.
var builtinOptionWords = map[string]string{
	"ssh": "SSH tunnel", "none": "None", "csv": "CSV", "json": "JSON", "jsonl": "JSON Lines",
	"REST": "REST API", "BULK": "Bulk API", "AQUA": "AQuA API",
	"LOG_BASED": "Log-based", "FULL_TABLE": "Full table", "INCREMENTAL": "Key-based incremental",
	"true": "Yes", "false": "No",
}

// groupLegends are the default legends of the groups.
var groupLegends = map[string]string{
	groupConnection:  "Connection details",
	groupOAuthApp:    "Your own OAuth app",
	groupSSH:         "SSH tunnel",
	groupSSL:         "SSL",
	groupEncryption:  "SSH tunnel",
	groupSchedule:    "Replication schedule",
	groupAdvanced:    "Advanced settings",
	groupDiagnostics: "Hidden properties (diagnostics)",
}

// groupHints explain a group below its legend.
var groupHints = map[string]string{
	groupAdvanced: "You can leave these as they are: each one says what happens when it is left empty.",
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
	what    string   // "a Google service account key"
	members []string // members that must be present and not empty
}

// keyFileShapeOf returns the shape a key file property expects, or false.
func keyFileShapeOf(name string) (keyFileShape, bool) {
	if strings.Contains(name, "service_account") {
		return keyFileShape{what: "a Google service account key", members: []string{"type", "project_id", "private_key", "client_email"}}, true
	}
	return keyFileShape{}, false
}
