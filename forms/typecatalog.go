package forms

// The catalog's words: categories, one-line descriptions and synonyms of
// types, in our own words. All tables are read-only.

// Categories.
const (
	catDatabase     = "Database"
	catFiles        = "Files"
	catAdvertising  = "Advertising"
	catMarketing    = "Marketing"
	catCRM          = "CRM and sales"
	catAnalytics    = "Analytics"
	catSupport      = "Customer support"
	catCommerce     = "E-commerce"
	catFinance      = "Payments and finance"
	catEngineering  = "Engineering"
	catProductivity = "Productivity"
	catPeople       = "People and HR"
	catPublic       = "Public data"
	catDeveloper    = "Developer tools"
	catOther        = "Other"

	catWarehouse    = "Data warehouse"
	catDestDatabase = "Database"
	catLakehouse    = "Lakehouse"
	catFileStorage  = "File storage"
)

// categoryOf lists types by category; sourceCategories is built from it.
var categoryOf = map[string][]string{
	catDatabase: {"aurora", "cloudsql", "cloudsql_pg", "cloudsql-pg", "dynamodb", "heroku_pg", "heroku-pg", "mariadb", "mongodb", "mssql",
		"mysql", "oracle", "postgres", "db2", "azure"},
	catFiles: {"s3-csv", "sftp", "google-sheets"},
	catAdvertising: {"adroll", "adwords", "bing-ads", "doubleclick-campaign-manager", "facebook", "google-ads", "linkedin-ads",
		"outbrain", "snapchat-ads", "taboola", "tiktok-ads", "twitter-ads", "impact", "pepperjam", "criteo", "amazon-ads-dsp"},
	catMarketing: {"activecampaign", "autopilot", "bronto", "campaign-monitor", "eloqua", "exacttarget", "iterable", "klaviyo",
		"listrak", "mailchimp", "mailshake", "marketo", "marketobulk", "pardot", "sailthru", "selligent", "sendgrid",
		"urban-airship", "responsys", "referral-saasquatch", "yotpo", "revinate"},
	catCRM:       {"closeio", "crossbeam", "hubspot", "outreach", "pipedrive", "salesforce", "copper"},
	catAnalytics: {"amplitude", "appsflyer", "fullstory", "ga360", "ga4", "google-analytics", "google-search-console", "heap", "mixpanel", "pendo", "looker", "lookml", "appfigures"},
	catSupport:   {"dixa", "freshdesk", "frontapp", "helpscout", "intercom", "kustomer", "liveperson", "uservoice", "zendesk", "zendesk-chat", "ujet"},
	catCommerce:  {"3plcentral", "bigcommerce", "ebay", "recharge", "shiphero", "shippo", "shopify", "onfleet", "amazon-sp"},
	catFinance: {"braintree", "chargebee", "chargify", "codat", "intacct", "invoiced", "mambu", "netsuite", "netsuite-suite-analytics",
		"quickbooks", "recurly", "saasoptics", "stripe", "xero", "zuora", "ilevel", "square"},
	catEngineering:  {"circle-ci", "github", "gitlab", "jira"},
	catProductivity: {"asana", "trello", "toggl", "harvest", "harvest-forecast", "ms-teams", "slack", "zoom", "ringcentral", "twilio", "typeform", "surveymonkey", "quickbase", "calendly", "autodesk-bim-360"},
	catPeople:       {"deputy", "lever", "workday-raas", "dayforce"},
	catPublic:       {"covid-19", "darksky", "clubspeed"},
	catDeveloper:    {"import_api"},
}

var sourceCategories = func() map[string]string {
	m := map[string]string{}
	for c, types := range categoryOf {
		for _, t := range types {
			m[t] = c
		}
	}
	return m
}()

// destinationCategories are the categories of destination types.
var destinationCategories = map[string]string{
	"postgres": catWarehouse, "redshift": catWarehouse, "snowflake": catWarehouse, "bigquery_v2": catWarehouse,
	"bigquery": catWarehouse, "azure_sqldw": catWarehouse, "panoply": catWarehouse,
	"mssql_server": catDestDatabase, "mysql_destination": catDestDatabase,
	"databricks_delta": catLakehouse, "s3": catFileStorage, "storagegrid": catFileStorage, "dataworld": "Data catalog",
}

// typeDescriptions say what a type connects, by type (without "platform.").
var typeDescriptions = map[string]string{
	"mysql":            "Replicates tables from a MySQL or MariaDB server, by query or from the binary log.",
	"postgres":         "Replicates tables from a PostgreSQL server, by query or from the write-ahead log.",
	"mssql":            "Replicates tables from a Microsoft SQL Server database.",
	"mongodb":          "Replicates collections from a MongoDB database.",
	"oracle":           "Replicates tables from an Oracle database.",
	"aurora":           "Replicates tables from an Amazon Aurora (MySQL) cluster.",
	"cloudsql":         "Replicates tables from a Google Cloud SQL for MySQL instance.",
	"cloudsql_pg":      "Replicates tables from a Google Cloud SQL for PostgreSQL instance.",
	"cloudsql-pg":      "Replicates tables from a Google Cloud SQL for PostgreSQL instance.",
	"heroku_pg":        "Replicates tables from a Heroku Postgres database.",
	"heroku-pg":        "Replicates tables from a Heroku Postgres database.",
	"dynamodb":         "Replicates tables from Amazon DynamoDB.",
	"s3-csv":           "Loads CSV files from an Amazon S3 bucket as tables.",
	"sftp":             "Loads CSV files from an SFTP server as tables.",
	"google-sheets":    "Loads the rows of a Google Sheets spreadsheet as a table.",
	"hubspot":          "Contacts, companies, deals and email activity from HubSpot.",
	"salesforce":       "Accounts, contacts, opportunities and any object from Salesforce.",
	"google-analytics": "Reports on traffic and conversions from a Google Analytics (Universal Analytics) view.",
	"ga4":              "Reports on traffic and conversions from a Google Analytics 4 property.",
	"shopify":          "Orders, products, customers and refunds from a Shopify store.",
	"stripe":           "Charges, customers, invoices and subscriptions from Stripe.",
	"zendesk":          "Tickets, users and satisfaction ratings from Zendesk Support.",
	"facebook":         "Campaigns, ads and their daily performance from Facebook Ads.",
	"adwords":          "Campaigns, keywords and their performance from Google Ads.",
	"google-ads":       "Campaigns, keywords and their performance from Google Ads.",
	"github":           "Issues, pull requests, commits and reviews from GitHub repositories.",
	"jira":             "Projects, issues and worklogs from Jira.",
	"intercom":         "Conversations, users and companies from Intercom.",
	"mailchimp":        "Lists, campaigns and email activity from Mailchimp.",
	"import_api":       "Push data from your own code to Stitch over HTTP.",
}

// destinationDescriptions say where a destination type loads data.
var destinationDescriptions = map[string]string{
	"postgres":          "Loads your data into a PostgreSQL database, a schema per source.",
	"bigquery_v2":       "Loads your data into Google BigQuery datasets, with a service account key.",
	"snowflake":         "Loads your data into a Snowflake database, using one of your warehouses.",
	"redshift":          "Loads your data into an Amazon Redshift cluster.",
	"databricks_delta":  "Loads your data into Delta Lake tables, staged through an Amazon S3 bucket.",
	"azure_sqldw":       "Loads your data into Azure Synapse Analytics, staged through Azure Blob Storage.",
	"panoply":           "Loads your data into a Panoply warehouse.",
	"mssql_server":      "Loads your data into a Microsoft SQL Server database.",
	"mysql_destination": "Loads your data into a MySQL database.",
	"s3":                "Writes your data as CSV or JSON Lines files to an Amazon S3 bucket.",
	"storagegrid":       "Writes your data as files to NetApp StorageGRID object storage.",
	"dataworld":         "Loads your data into a data.world dataset.",
}

// typeSynonyms are other words people search for a type by.
var typeSynonyms = map[string]string{
	"postgres": "postgresql pg psql", "mysql": "mariadb sql", "mssql": "sql server microsoft azure sql",
	"mssql_server": "sql server microsoft", "mysql_destination": "mariadb sql", "mongodb": "mongo nosql document",
	"cloudsql": "google cloud gcp mysql", "cloudsql_pg": "google cloud gcp postgresql postgres", "cloudsql-pg": "google cloud gcp postgresql postgres",
	"heroku_pg": "postgresql postgres", "heroku-pg": "postgresql postgres", "aurora": "aws amazon rds", "dynamodb": "aws amazon nosql",
	"oracle": "sql plsql", "s3-csv": "aws amazon bucket csv files", "sftp": "ftp csv files", "google-sheets": "spreadsheet gsheets excel",
	"google-analytics": "ga universal analytics ua web", "ga4": "google analytics 4 web", "ga360": "google analytics 360",
	"adwords": "google ads ppc search ads", "google-ads": "adwords ppc search ads", "bing-ads": "microsoft advertising ppc",
	"facebook": "meta instagram ads", "twitter-ads": "x ads", "linkedin-ads": "microsoft linkedin", "exacttarget": "salesforce marketing cloud sfmc",
	"pardot": "salesforce marketing account engagement", "hubspot": "crm marketing", "salesforce": "crm sfdc", "zendesk": "support tickets helpdesk",
	"intercom": "support chat messenger", "shopify": "store ecommerce", "stripe": "payments billing", "github": "git code repositories",
	"jira": "atlassian issues tickets", "netsuite": "oracle erp", "quickbooks": "intuit accounting", "xero": "accounting",
	"snowflake": "warehouse", "bigquery_v2": "google cloud gcp warehouse bq", "redshift": "aws amazon warehouse",
	"databricks_delta": "delta lake spark lakehouse", "azure_sqldw": "microsoft synapse sql data warehouse", "s3": "aws amazon bucket files",
	"panoply": "warehouse", "import_api": "api webhook push rest",
}
