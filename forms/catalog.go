package forms

// The built-in words of the forms, in our own words. All tables are read-only.

// builtinFields holds the words of well-known property names, for every type.
var builtinFields = map[string]FieldText{
	// Connection details of databases.
	"host": {Label: "Host", Hint: "The address of your server, as a host name or IP address.", Placeholder: "db.example.com",
		Required: "Enter the host name or IP address of your server", Invalid: "Enter a host name or IP address, like db.example.com"},
	"port": {Label: "Port", Hint: "The port your server listens on.", Placeholder: "3306",
		Required: "Enter the port your server listens on, like 3306", Invalid: "Enter a port number, like 3306"},
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
	"use_log_based_replication":    {Label: "Use log-based replication", Hint: "Reads changes from the database log instead of querying tables."},
	"default_replication_method":   {Label: "Default replication method"},
	"server_id":                    {Label: "Server ID", Hint: "A number that identifies this replica to your server."},
	"allow_non_auto_increment_pks": {Label: "Allow tables without an auto-increment primary key", Hint: "Applies to full table replication."},
	"itersize":                     {Label: "Rows per batch"},
	"account":                      {Label: "Account"},
	"warehouse":                    {Label: "Warehouse"},
	"role":                         {Label: "Role"},

	// SSH tunnel.
	"ssh":      {Label: "Connect through an SSH tunnel", Hint: "Use this when your server is only reachable through a bastion host."},
	"ssh_host": {Label: "SSH host", Placeholder: "bastion.example.com", Required: "Enter the host name or IP address of the SSH server", Invalid: "Enter a host name or IP address, like bastion.example.com"},
	"ssh_port": {Label: "SSH port", Placeholder: "22", Required: "Enter the port of the SSH server, like 22", Invalid: "Enter a port number, like 22"},
	"ssh_user": {Label: "SSH username", Required: "Enter the SSH username"},

	// Encrypted connection of destinations.
	"encryption_type":     {Label: "Encryption", Hint: "Choose SSH tunnel to reach the server through a bastion host."},
	"encryption_host":     {Label: "SSH host", Placeholder: "bastion.example.com", Invalid: "Enter a host name or IP address, like bastion.example.com"},
	"encryption_port":     {Label: "SSH port", Placeholder: "22", Invalid: "Enter a port number, like 22"},
	"encryption_username": {Label: "SSH username"},

	// SSL.
	"ssl":                     {Label: "Connect using SSL", Hint: "Encrypts the connection to your server."},
	"ssl_ca":                  {Label: "Certificate authority (CA)", Hint: "Paste the PEM certificate, including the BEGIN and END lines."},
	"ssl_cert":                {Label: "Client certificate", Hint: "Paste the PEM certificate, including the BEGIN and END lines."},
	"ssl_key":                 {Label: "Client key", Hint: "Paste the PEM private key, including the BEGIN and END lines."},
	"ssl_client_auth_enabled": {Label: "Use a client certificate"},
	"sslrootcert":             {Label: "Root certificate", Hint: "Paste the PEM certificate, including the BEGIN and END lines."},
	"check_hostname":          {Label: "Check the server's host name"},
	"verify_mode":             {Label: "Verify the server's certificate"},

	// Replication schedule.
	"start_date": {Label: "Start date", Hint: "Stitch replicates data from this date onwards.",
		Required: "Enter the date to replicate from, like 2024-01-31", Invalid: "Enter a date, like 2024-01-31"},
	"end_date": {Label: "End date", Invalid: "Enter a date, like 2024-01-31"},
	"frequency_in_minutes": {Label: "Replication frequency", Hint: "How often Stitch looks for new data.",
		Required: "Choose how often to replicate", Invalid: "Choose how often to replicate"},
	"cron_expression": {Label: "Cron schedule", Hint: "For advanced schedules only; it replaces the frequency. Example: 0 0 6 * * ?",
		Placeholder: "0 0 6 * * ?"},
	"anchor_time": {Label: "First run at", Hint: "Runs start at this time (UTC), then repeat at the chosen frequency.",
		Invalid: "Enter a date and time, like 2024-01-31 09:30"},

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
	"view_id":             {Label: "View ID", Hint: "A number found in the view settings of your analytics account.", Required: "Enter the view ID"},
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
	"incremental_limit":  {Label: "Incremental limit"},
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

// builtinTypeFields holds words that differ for one type.
var builtinTypeFields = map[string]map[string]FieldText{
	"platform.postgres":         postgresFields,
	"platform.hp-postgres":      postgresFields,
	"platform.cloudsql_pg":      postgresFields,
	"platform.hp-cloudsql-pg":   postgresFields,
	"platform.heroku_pg":        postgresFields,
	"platform.hp-heroku-pg":     postgresFields,
	"postgres":                  postgresFields,
	"redshift":                  {"port": {Placeholder: "5439", Required: "Enter the port your server listens on, like 5439", Invalid: "Enter a port number, like 5439"}},
	"platform.mssql":            {"port": {Placeholder: "1433", Required: "Enter the port your server listens on, like 1433", Invalid: "Enter a port number, like 1433"}},
	"mssql_server":              {"port": {Placeholder: "1433", Required: "Enter the port your server listens on, like 1433", Invalid: "Enter a port number, like 1433"}},
	"platform.oracle":           {"port": {Placeholder: "1521", Required: "Enter the port your server listens on, like 1521", Invalid: "Enter a port number, like 1521"}},
	"platform.mongodb":          {"port": {Placeholder: "27017", Required: "Enter the port your server listens on, like 27017", Invalid: "Enter a port number, like 27017"}},
	"platform.hubspot":          {"start_date": {Hint: "Stitch replicates HubSpot records changed on or after this date."}},
	"platform.github":           {"access_token": {Label: "Personal access token", Hint: "Create one in your GitHub developer settings with the repo scope."}},
	"platform.zendesk":          {"subdomain": {Hint: "The part of your Zendesk address before .zendesk.com."}},
	"platform.google-analytics": {"view_id": {Hint: "Find it in Google Analytics under Admin, then View settings."}},
	"platform.shopify":          {"shop": {Hint: "The part of your shop's address before .myshopify.com."}},
}

var postgresFields = map[string]FieldText{
	"port": {Placeholder: "5432", Required: "Enter the port your server listens on, like 5432", Invalid: "Enter a port number, like 5432"},
}

// builtinOptions labels the options of well-known properties.
var builtinOptions = map[string]map[string]string{
	"frequency_in_minutes": {
		"1": "Every minute", "30": "Every 30 minutes", "60": "Every hour",
		"360": "Every 6 hours", "720": "Every 12 hours", "1440": "Once a day",
	},
	"encryption_type": {"ssh": "SSH tunnel", "none": "None"},
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
	groupEncryption:  "Encrypted connection",
	groupSchedule:    "Replication schedule",
	groupAdvanced:    "Advanced settings",
	groupDiagnostics: "Hidden properties (diagnostics)",
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
	}
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[n] = i + 1
	}
	return m
}()
