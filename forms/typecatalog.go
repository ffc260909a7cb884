package forms

// The catalog's structure: categories of types and their synonyms. The words
// (category names, one-line descriptions) are in the message catalog:
// forms.category.CAT, forms.sourceDesc.TYPE, forms.destDesc.TYPE and
// forms.catDesc.source.CAT / forms.catDesc.destination.CAT. All tables are
// read-only.

// Categories, by their catalog id (forms.category.ID).
const (
	catDatabase     = "database"
	catFiles        = "files"
	catAdvertising  = "advertising"
	catMarketing    = "marketing"
	catCRM          = "crm"
	catAnalytics    = "analytics"
	catSupport      = "support"
	catCommerce     = "commerce"
	catFinance      = "finance"
	catEngineering  = "engineering"
	catProductivity = "productivity"
	catPeople       = "people"
	catPublic       = "public"
	catDeveloper    = "developer"
	catOther        = "misc" // not "other": a reserved word of go-i18n's message files

	catWarehouse    = "warehouse"
	catDestDatabase = "destDatabase"
	catLakehouse    = "lakehouse"
	catFileStorage  = "fileStorage"
	catDataCatalog  = "dataCatalog"
	catDestination  = "destination"
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
	"databricks_delta": catLakehouse, "s3": catFileStorage, "storagegrid": catFileStorage, "dataworld": catDataCatalog,
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
