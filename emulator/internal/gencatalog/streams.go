package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Streams are our own invention: a handful of plausible tables per type.
// A stream is written "name: col:type …" where type is i (integer), s
// (string), n (number), b (boolean), t (date-time), a (array of strings) or
// o (object); a trailing * marks a key property and ^ the replication key
// (both always replicated). A stream without ^ is FULL_TABLE.

// entities are streams several types share, by name.
var entities = map[string]string{
	"accounts":      "id:i* name:s industry:s website:s owner_id:i created_at:t updated_at:t^",
	"activities":    "id:i* type:s contact_id:i subject:s occurred_at:t created_at:t updated_at:t^",
	"ad_groups":     "id:i* campaign_id:i name:s status:s bid_amount:n created_at:t updated_at:t^",
	"ads":           "id:i* ad_group_id:i name:s status:s headline:s destination_url:s created_at:t updated_at:t^",
	"ad_insights":   "ad_id:i* date:t*^ impressions:i clicks:i spend:n conversions:n ctr:n",
	"agents":        "id:i* name:s email:s role:s active:b created_at:t updated_at:t^",
	"calls":         "id:s* direction:s from_number:s to_number:s duration_seconds:i status:s started_at:t updated_at:t^",
	"campaigns":     "id:i* name:s status:s budget:n start_date:t end_date:t created_at:t updated_at:t^",
	"channels":      "id:s* name:s is_private:b topic:s member_count:i created_at:t",
	"charges":       "id:s* customer_id:s amount:i currency:s status:s paid:b created_at:t updated_at:t^",
	"comments":      "id:i* parent_id:i author_id:i body:s created_at:t updated_at:t^",
	"companies":     "id:i* name:s domain:s industry:s employee_count:i created_at:t updated_at:t^",
	"contacts":      "id:i* email:s first_name:s last_name:s phone:s company:s tags:a created_at:t updated_at:t^",
	"conversations": "id:s* subject:s status:s assignee_id:i customer_id:i channel:s created_at:t updated_at:t^",
	"coupons":       "id:s* code:s percent_off:n amount_off:n duration:s valid:b created_at:t updated_at:t^",
	"customers":     "id:i* email:s first_name:s last_name:s phone:s total_spent:n created_at:t updated_at:t^",
	"deals":         "id:i* title:s value:n currency:s stage:s status:s owner_id:i expected_close_date:t created_at:t updated_at:t^",
	"emails":        "id:i* subject:s from_address:s sent_count:i open_count:i click_count:i sent_at:t updated_at:t^",
	"employees":     "id:i* first_name:s last_name:s email:s department:s job_title:s hired_on:t updated_at:t^",
	"events":        "id:s* event_type:s user_id:s properties:o occurred_at:t^",
	"forms":         "id:s* title:s fields:a response_count:i created_at:t updated_at:t^",
	"invoices":      "id:i* number:s customer_id:i status:s total:n balance:n currency:s due_date:t created_at:t updated_at:t^",
	"issues":        "id:i* title:s state:s author_id:i assignee_id:i labels:a created_at:t updated_at:t^",
	"items":         "id:i* sku:s name:s price:n quantity_on_hand:i active:b updated_at:t^",
	"jobs":          "id:s* name:s status:s duration_seconds:i started_at:t finished_at:t updated_at:t^",
	"leads":         "id:i* email:s first_name:s last_name:s company:s status:s score:i created_at:t updated_at:t^",
	"lists":         "id:i* name:s member_count:i created_at:t updated_at:t^",
	"locations":     "id:s* name:s address:s city:s country:s timezone:s created_at:t",
	"messages":      "id:s* conversation_id:s author_id:s body:s direction:s created_at:t^",
	"notes":         "id:i* author_id:i subject_id:i body:s created_at:t updated_at:t^",
	"opportunities": "id:i* name:s amount:n stage:s probability:n account_id:i close_date:t created_at:t updated_at:t^",
	"orders":        "id:i* order_number:s customer_id:i status:s total:n currency:s placed_at:t updated_at:t^",
	"payments":      "id:i* invoice_id:i customer_id:i amount:n currency:s method:s status:s paid_at:t updated_at:t^",
	"plans":         "id:s* name:s interval:s price:n currency:s active:b created_at:t",
	"products":      "id:i* name:s sku:s price:n description:s active:b created_at:t updated_at:t^",
	"projects":      "id:i* name:s status:s owner_id:i archived:b created_at:t updated_at:t^",
	"refunds":       "id:s* charge_id:s amount:n reason:s status:s created_at:t updated_at:t^",
	"reports":       "date:t*^ campaign_id:i* impressions:i clicks:i cost:n conversions:n",
	"responses":     "id:s* form_id:s answers:o completed:b submitted_at:t^",
	"shipments":     "id:i* order_id:i carrier:s tracking_number:s status:s shipped_at:t updated_at:t^",
	"subscribers":   "id:i* email:s status:s list_ids:a subscribed_at:t updated_at:t^",
	"subscriptions": "id:s* customer_id:s plan_id:s status:s quantity:i current_period_end:t created_at:t updated_at:t^",
	"tags":          "id:i* name:s color:s created_at:t",
	"tasks":         "id:i* name:s project_id:i assignee_id:i completed:b due_on:t created_at:t updated_at:t^",
	"teams":         "id:i* name:s description:s member_count:i created_at:t",
	"tickets":       "id:i* subject:s status:s priority:s requester_id:i assignee_id:i tags:a created_at:t updated_at:t^",
	"time_entries":  "id:i* user_id:i project_id:i task_id:i hours:n notes:s spent_date:t updated_at:t^",
	"transactions":  "id:s* account_id:s type:s amount:n currency:s status:s created_at:t updated_at:t^",
	"users":         "id:i* email:s name:s role:s active:b created_at:t updated_at:t^",
}

// saasStreams lists each generated SaaS type's streams: an entity name, an
// entity renamed ("leads=contacts"), or a stream of its own ("name: cols").
var saasStreams = map[string][]string{
	"platform.3plcentral":                   {"orders", "items", "customers", "inventory: item_id:i* facility_id:i* on_hand:i allocated:i available:i updated_at:t^", "locations"},
	"platform.activecampaign":               {"contacts", "deals", "campaigns", "lists", "automations: id:i* name:s status:s entered:i exited:i created_at:t updated_at:t^"},
	"platform.adroll":                       {"advertisables: eid:s* name:s currency:s status:s created_at:t updated_at:t^", "campaigns", "ad_groups", "ads", "ad_reports=ad_insights"},
	"platform.adwords":                      {"accounts", "campaigns", "ad_groups", "ads", "campaign_performance_report=reports"},
	"platform.amplitude":                    {"events", "active_users: date:t*^ daily_active:i weekly_active:i monthly_active:i", "cohorts: id:s* name:s size:i archived:b last_computed:t^", "annotations: id:i* date:t^ label:s details:s"},
	"platform.asana":                        {"workspaces: id:s* name:s is_organization:b", "projects", "tasks", "users", "tags", "teams"},
	"platform.autopilot":                    {"contacts", "lists", "journeys: id:s* title:s status:s contacts_in:i created_at:t updated_at:t^", "smart_segments: id:s* title:s contact_count:i updated_at:t^"},
	"platform.bigcommerce":                  {"orders", "customers", "products", "coupons", "refunds"},
	"platform.bing-ads":                     {"accounts", "campaigns", "ad_groups", "ads", "ad_group_performance_report=reports"},
	"platform.bronto":                       {"contacts", "lists", "messages", "deliveries: id:s* message_id:s status:s recipient_count:i sent_at:t^"},
	"platform.campaign-monitor":             {"campaigns", "lists", "subscribers", "campaign_opens: campaign_id:s* subscriber_email:s* opened_at:t*^ city:s country:s", "campaign_clicks: campaign_id:s* subscriber_email:s* url:s* clicked_at:t^"},
	"platform.chargebee":                    {"customers", "subscriptions", "invoices", "plans", "coupons", "transactions"},
	"platform.chargify":                     {"customers", "subscriptions", "invoices", "products", "transactions"},
	"platform.circle-ci":                    {"pipelines: id:s* project_slug:s number:i state:s trigger_type:s created_at:t updated_at:t^", "workflows: id:s* pipeline_id:s name:s status:s created_at:t stopped_at:t^", "jobs", "projects: slug:s* name:s organization_name:s vcs_type:s"},
	"platform.closeio":                      {"leads", "contacts", "opportunities", "activities", "users"},
	"platform.clubspeed":                    {"customers", "races: id:i* track_id:i heat_type:s laps:i started_at:t^", "payments", "products", "checks: id:i* customer_id:i total:n status:s opened_at:t closed_at:t^"},
	"platform.codat":                        {"companies", "invoices", "bills: id:s* supplier_id:s amount_due:n status:s issue_date:t modified_date:t^", "payments", "accounts"},
	"platform.covid-19":                     {"cases_by_country: country:s* date:t*^ confirmed:i deaths:i recovered:i", "cases_by_region: country:s* region:s* date:t*^ confirmed:i deaths:i", "vaccinations: country:s* date:t*^ doses_administered:i people_vaccinated:i", "testing: country:s* date:t*^ tests:i positive_rate:n"},
	"platform.crossbeam":                    {"partners: id:s* name:s status:s created_at:t updated_at:t^", "partner_populations: id:i* partner_id:s name:s record_count:i updated_at:t^", "overlaps: population_id:i* partner_population_id:i* record_count:i updated_at:t^", "users"},
	"platform.darksky":                      {"forecast: latitude:n* longitude:n* time:t*^ summary:s temperature:n humidity:n wind_speed:n", "daily: latitude:n* longitude:n* date:t*^ temperature_high:n temperature_low:n precip_probability:n", "hourly: latitude:n* longitude:n* time:t*^ temperature:n precip_intensity:n cloud_cover:n", "alerts: id:s* title:s severity:s region:s expires:t^"},
	"platform.deputy":                       {"employees", "timesheets: id:i* employee_id:i start_time:t end_time:t total_hours:n approved:b modified:t^", "rosters: id:i* employee_id:i start_time:t end_time:t published:b modified:t^", "locations", "leave: id:i* employee_id:i start_date:t end_date:t status:s modified:t^"},
	"platform.dixa":                         {"conversations", "messages", "agents", "ratings: id:s* conversation_id:s score:i comment:s created_at:t^"},
	"platform.doubleclick-campaign-manager": {"campaigns", "placements: id:i* campaign_id:i site_id:i name:s payment_source:s updated_at:t^", "ads", "report_delivery=reports"},
	"platform.ebay":                         {"orders", "listings: id:s* sku:s title:s price:n quantity:i status:s updated_at:t^", "transactions", "payouts: id:s* amount:n currency:s status:s payout_date:t^"},
	"platform.eloqua":                       {"contacts", "accounts", "campaigns", "emails", "activities"},
	"platform.exacttarget":                  {"campaigns", "emails", "lists", "subscribers", "sends: id:i* email_id:i list_id:i sent:i opens:i clicks:i send_date:t modified_date:t^"},
	"platform.frontapp":                     {"conversations", "messages", "contacts", "teammates: id:s* email:s username:s is_admin:b is_available:b", "inboxes: id:s* name:s is_private:b", "tags"},
	"platform.ga360":                        {"ga_sessions: visit_id:s* full_visitor_id:s* visit_start_time:t^ device_category:s country:s pageviews:i transactions:i", "hits: visit_id:s* hit_number:i* hit_time:t^ page_path:s event_category:s event_action:s", "products: visit_id:s* hit_number:i* product_sku:s* hit_time:t^ product_name:s product_revenue:n", "traffic_source: visit_id:s* visit_start_time:t^ source:s medium:s campaign:s keyword:s"},
	"platform.ga4":                          {"traffic_sources: date:t*^ session_source:s* session_medium:s* sessions:i total_users:i conversions:n", "pages: date:t*^ page_path:s* screen_page_views:i engagement_rate:n", "events: date:t*^ event_name:s* event_count:i total_users:i", "devices: date:t*^ device_category:s* operating_system:s* sessions:i"},
	"platform.google-ads":                   {"accounts", "campaigns", "ad_groups", "ads", "campaign_performance_report=reports", "keywords: id:i* ad_group_id:i text:s match_type:s status:s updated_at:t^"},
	"platform.google-search-console":        {"sites: site_url:s* permission_level:s", "performance_report_date: site_url:s* date:t*^ clicks:i impressions:i ctr:n position:n", "performance_report_query: site_url:s* date:t*^ query:s* clicks:i impressions:i ctr:n position:n", "performance_report_page: site_url:s* date:t*^ page:s* clicks:i impressions:i", "sitemaps: path:s* site_url:s* last_downloaded:t^ errors:i warnings:i"},
	"platform.harvest-forecast":             {"assignments: id:i* project_id:i person_id:i start_date:t end_date:t allocation:i updated_at:t^", "people: id:i* first_name:s last_name:s email:s archived:b updated_at:t^", "projects", "clients: id:i* name:s archived:b updated_at:t^", "milestones: id:i* project_id:i name:s date:t updated_at:t^"},
	"platform.heap":                         {"users", "sessions: session_id:s* user_id:s time:t^ referrer:s device_type:s country:s", "pageviews: event_id:s* session_id:s user_id:s path:s time:t^", "all_events=events"},
	"platform.helpscout":                    {"conversations", "customers", "mailboxes: id:i* name:s email:s created_at:t updated_at:t^", "users", "threads: id:i* conversation_id:i type:s body:s created_by:i created_at:t^"},
	"platform.ilevel":                       {"entities: id:i* name:s entity_type:s currency:s updated_at:t^", "data_items: id:i* name:s data_type:s formula:b updated_at:t^", "data_values: entity_id:i* data_item_id:i* period_end:t*^ value:n currency:s", "periods: id:i* period_end:t frequency:s updated_at:t^"},
	"platform.impact":                       {"actions: id:s* campaign_id:i partner_id:i amount:n payout:n state:s event_date:t updated_at:t^", "campaigns", "partners: id:i* name:s status:s country:s updated_at:t^", "invoices", "clicks: id:s* campaign_id:i partner_id:i referring_url:s event_date:t^"},
	"platform.intacct":                      {"customers", "vendors: id:s* name:s status:s total_due:n when_modified:t^", "gl_accounts: id:s* title:s account_type:s normal_balance:s when_modified:t^", "gl_details: record_no:i* account_no:s amount:n entry_date:t when_modified:t^", "invoices", "payments"},
	"platform.invoiced":                     {"customers", "invoices", "payments", "subscriptions", "credit_notes: id:i* customer_id:i total:n status:s created_at:t updated_at:t^"},
	"platform.iterable":                     {"users", "campaigns", "lists", "email_sends: message_id:s* campaign_id:i email:s created_at:t^", "email_opens: message_id:s* email:s* created_at:t^ user_agent:s"},
	"platform.klaviyo":                      {"campaigns", "lists", "receive: id:s* person_id:s campaign_id:s timestamp:t^", "open: id:s* person_id:s campaign_id:s timestamp:t^", "click: id:s* person_id:s campaign_id:s url:s timestamp:t^", "people=contacts"},
	"platform.kustomer":                     {"conversations", "customers", "messages", "users", "teams"},
	"platform.lever":                        {"candidates: id:s* name:s headline:s stage:s origin:s tags:a created_at:t updated_at:t^", "postings: id:s* text:s state:s team:s location:s created_at:t updated_at:t^", "applications: id:s* candidate_id:s posting_id:s type:s created_at:t updated_at:t^", "offers: id:s* candidate_id:s status:s created_at:t updated_at:t^", "users"},
	"platform.linkedin-ads":                 {"accounts", "campaign_groups: id:i* account_id:i name:s status:s total_budget:n updated_at:t^", "campaigns", "creatives: id:i* campaign_id:i status:s type:s updated_at:t^", "ad_analytics_by_campaign=ad_insights"},
	"platform.listrak":                      {"lists", "contacts", "messages", "message_activity: message_id:i* contact_id:i* activity:s occurred_at:t*^"},
	"platform.liveperson":                   {"agents", "skills: id:i* name:s description:s max_wait_time:i updated_at:t^", "engagements: id:s* agent_id:i skill_id:i duration_seconds:i start_time:t^", "conversations", "campaigns"},
	"platform.looker":                       {"dashboards: id:s* title:s folder_id:s view_count:i favorite_count:i updated_at:t^", "looks: id:i* title:s model:s view_count:i updated_at:t^", "users", "explores: model_name:s* name:s* label:s description:s", "query_history: id:i* user_id:i runtime:n status:s created_at:t^"},
	"platform.lookml":                       {"repositories: id:s* name:s default_branch:s updated_at:t^", "models: id:s* repository_id:s name:s connection:s updated_at:t^", "explores: id:s* model_id:s name:s label:s updated_at:t^", "views: id:s* model_id:s name:s sql_table_name:s updated_at:t^"},
	"platform.mailchimp":                    {"lists", "campaigns", "list_members=subscribers", "reports_email_activity: campaign_id:s* email_id:s* action:s* timestamp:t*^ url:s", "automations: id:s* title:s status:s emails_sent:i create_time:t^"},
	"platform.mailshake":                    {"campaigns", "leads", "recipients: id:i* campaign_id:i email_address:s status:s created_at:t^", "sent_messages: id:i* campaign_id:i recipient_id:i subject:s action_date:t^", "clicks: id:i* campaign_id:i recipient_id:i link:s action_date:t^"},
	"platform.mambu":                        {"clients: id:s* first_name:s last_name:s state:s branch_key:s creation_date:t last_modified_date:t^", "loan_accounts: id:s* account_holder_key:s loan_amount:n account_state:s creation_date:t last_modified_date:t^", "deposit_accounts: id:s* account_holder_key:s balance:n account_state:s creation_date:t last_modified_date:t^", "branches: id:s* name:s state:s last_modified_date:t^", "users"},
	"platform.marketobulk":                  {"leads", "activities", "campaigns", "lists", "programs: id:i* name:s channel:s status:s workspace:s created_at:t updated_at:t^"},
	"platform.mixpanel":                     {"export=events", "engage: distinct_id:s* email:s first_name:s last_name:s last_seen:t^", "funnels: funnel_id:i* date:t*^ steps:i conversion_rate:n", "cohorts: id:i* name:s count:i created:t^", "annotations: id:i* date:t^ description:s user_id:i"},
	"platform.ms-teams":                     {"teams", "channels", "users", "team_members: team_id:s* user_id:s* roles:a display_name:s"},
	"platform.netsuite":                     {"customers", "vendors: id:s* company_name:s email:s balance:n last_modified_date:t^", "invoices", "sales_orders=orders", "items", "transactions"},
	"platform.netsuite-suite-analytics":     {"customer=customers", "transaction=transactions", "transaction_lines: transaction_id:i* line_id:i* item_id:i amount:n quantity:n date_last_modified:t^", "item=items", "employee=employees"},
	"platform.onfleet":                      {"tasks", "workers: id:s* name:s phone:s on_duty:b vehicle_type:s time_last_modified:t^", "teams", "hubs: id:s* name:s address:s"},
	"platform.outreach":                     {"prospects: id:i* email:s first_name:s last_name:s company:s stage:s created_at:t updated_at:t^", "accounts", "sequences: id:i* name:s enabled:b step_count:i created_at:t updated_at:t^", "mailings: id:i* prospect_id:i sequence_id:i state:s delivered_at:t updated_at:t^", "users"},
	"platform.pendo":                        {"accounts", "visitors: visitor_id:s* account_id:s first_visit:t last_visit:t^", "features: id:s* name:s app_id:s kind:s last_updated_at:t^", "guides: id:s* name:s state:s launch_method:s last_updated_at:t^", "pages: id:s* name:s app_id:s last_updated_at:t^", "track_events: visitor_id:s* account_id:s type:s* browser_time:t*^"},
	"platform.pepperjam":                    {"publishers: id:i* name:s status:s website:s created_at:t updated_at:t^", "transactions", "creatives: id:i* type:s name:s status:s modified:t^", "groups: id:i* name:s publisher_count:i"},
	"platform.pipedrive":                    {"deals", "persons=contacts", "organizations=companies", "activities", "pipelines: id:i* name:s active:b order_nr:i add_time:t update_time:t^", "users"},
	"platform.quickbase":                    {"apps: id:s* name:s description:s created:t updated:t^", "tables: id:s* app_id:s name:s record_count:i updated:t^", "records: table_id:s* record_id:i* date_modified:t^ fields:o", "fields: table_id:s* id:i* label:s field_type:s"},
	"platform.quickbooks":                   {"customers", "invoices", "payments", "accounts", "bills: id:s* vendor_id:s total_amt:n balance:n due_date:t last_updated_time:t^", "items"},
	"platform.recharge":                     {"customers", "subscriptions", "orders", "charges", "products"},
	"platform.ringcentral":                  {"call_log=calls", "messages", "users", "contacts", "company_call_log: id:s* session_id:s direction:s result:s duration:i start_time:t^"},
	"platform.saasoptics":                   {"customers", "contracts: id:i* customer_id:i contract_number:s status:s total_value:n start_date:t auditentry_modified:t^", "invoices", "items", "transactions"},
	"platform.sailthru":                     {"campaigns: blast_id:i* name:s status:s list:s start_time:t modify_time:t^", "lists", "users", "purchases: id:s* email:s price:i purchase_date:t^", "blast_query: blast_id:i* profile_id:s* send_time:t^ open_time:t click_time:t"},
	"platform.sendgrid":                     {"contacts", "lists", "campaigns", "global_suppressions: email:s* created:t^", "bounces: email:s* reason:s status:s created:t^"},
	"platform.shiphero":                     {"orders", "products", "shipments", "vendors: id:s* name:s email:s account_number:s created_at:t", "warehouses: id:s* identifier:s address:s"},
	"platform.slack":                        {"channels", "messages", "users", "teams", "files: id:s* name:s filetype:s size:i user:s created:t^"},
	"platform.snapchat-ads":                 {"ad_accounts=accounts", "campaigns", "ad_squads=ad_groups", "ads", "ad_stats_daily=ad_insights"},
	"platform.square":                       {"payments", "orders", "customers", "items", "locations", "refunds"},
	"platform.surveymonkey":                 {"surveys: id:s* title:s question_count:i response_count:i date_created:t date_modified:t^", "responses", "collectors: id:s* survey_id:s type:s status:s date_modified:t^", "questions: id:s* survey_id:s heading:s family:s position:i"},
	"platform.tiktok-ads":                   {"advertisers: advertiser_id:i* name:s currency:s timezone:s create_time:t", "campaigns", "ad_groups", "ads", "ads_reports_daily=ad_insights"},
	"platform.toggl":                        {"workspaces: id:i* name:s premium:b at:t^", "projects", "clients: id:i* name:s workspace_id:i at:t^", "time_entries", "users", "tags"},
	"platform.trello":                       {"boards: id:s* name:s closed:b url:s date_last_activity:t^", "lists: id:s* board_id:s name:s closed:b pos:n", "cards: id:s* board_id:s list_id:s name:s closed:b due:t date_last_activity:t^", "actions: id:s* type:s member_creator_id:s date:t^", "users"},
	"platform.twilio":                       {"accounts", "calls", "messages", "usage_records: account_sid:s* category:s* start_date:t*^ count:i price:n", "recordings: sid:s* call_sid:s duration:i date_created:t date_updated:t^"},
	"platform.typeform":                     {"forms", "responses", "answers: response_id:s* field_id:s* type:s value:s landed_at:t^", "landings: landing_id:s* form_id:s platform:s landed_at:t^ submitted_at:t"},
	"platform.ujet":                         {"agents", "calls", "chats: id:i* agent_id:i queue_id:i status:s duration:i created_at:t updated_at:t^", "menus: id:i* name:s channel:s position:i updated_at:t^", "teams"},
	"platform.uservoice":                    {"suggestions: id:i* title:s state:s supporters_count:i forum_id:i created_at:t updated_at:t^", "forums: id:i* name:s open_suggestions:i updated_at:t^", "users", "comments", "tickets"},
	"platform.workday-raas":                 {"worker_report: employee_id:s* legal_name:s job_title:s department:s hire_date:t last_updated:t^", "compensation_report: employee_id:s* effective_date:t*^ base_pay:n currency:s", "absence_report: employee_id:s* time_off_type:s* start_date:t*^ units:n status:s", "organizations_report: organization_id:s* name:s type:s manager_id:s last_updated:t^"},
	"platform.xero":                         {"contacts", "invoices", "payments", "accounts", "bank_transactions=transactions", "credit_notes: id:s* contact_id:s total:n status:s date:t updated_date_utc:t^"},
	"platform.yotpo":                        {"reviews: id:i* product_id:s score:i title:s content:s verified_buyer:b created_at:t updated_at:t^", "products", "emails", "unsubscribers: id:i* email:s created_at:t^"},
	"platform.zendesk-chat":                 {"chats: id:s* visitor_name:s agent_ids:a duration:i rating:s timestamp:t^", "agents", "departments: id:i* name:s enabled:b members:a", "shortcuts: name:s* message:s tags:a", "bans: id:i* ip_address:s reason:s created_at:t^"},
	"platform.zoom":                         {"users", "meetings: id:i* uuid:s host_id:s topic:s type:i start_time:t duration:i created_at:t^", "webinars: id:i* uuid:s host_id:s topic:s start_time:t duration:i created_at:t^", "meeting_participants: meeting_uuid:s* id:s* name:s join_time:t*^ leave_time:t", "report_meetings: uuid:s* start_time:t^ end_time:t participants_count:i total_minutes:i"},
	"platform.zuora":                        {"accounts", "subscriptions", "invoices", "payments", "products", "rate_plans: id:s* product_id:s name:s effective_start_date:t updated_date:t^"},
	"platform.sftp":                         {"orders_export=orders", "customers_export=customers", "inventory_snapshot: sku:s* warehouse:s* on_hand:i updated_at:t^", "returns_export: return_id:s* order_id:s reason:s refunded:n updated_at:t^"},
	"platform.responsys":                    {"campaign_sends: riid:i* campaign_id:i* event_captured_dt:t*^ email:s", "opens: riid:i* campaign_id:i* event_captured_dt:t*^ user_agent:s", "clicks: riid:i* campaign_id:i* event_captured_dt:t*^ offer_url:s", "bounces: riid:i* campaign_id:i* event_captured_dt:t*^ reason:s", "profile_list: riid:i* email:s country:s modified_date:t^"},
	"platform.dynamodb":                     {"orders", "customers", "sessions: session_id:s* user_id:s expires_at:t data:o updated_at:t^", "products"},
}

// databaseFamilies reuse a hand-written type's tables.
var databaseFamilies = map[string]string{
	"platform.aurora": "platform.mysql", "platform.cloudsql": "platform.mysql", "platform.mariadb": "platform.mysql",
	"platform.cloudsql_pg": "platform.postgres", "platform.heroku_pg": "platform.postgres",
	"platform.hp-cloudsql-pg": "platform.postgres", "platform.hp-postgres": "platform.postgres",
}

// oracleTables are the Oracle sandbox's tables (schema STITCH; the emulator
// prefixes the schema, as the database name, to tap_stream_id).
var oracleTables = []streamDef{
	oracleTable("CUSTOMERS", 48210, "CUSTOMER_ID:NUMBER(10)* EMAIL:VARCHAR2(255) FIRST_NAME:VARCHAR2(100) LAST_NAME:VARCHAR2(100) CREATED_AT:TIMESTAMP(6) UPDATED_AT:TIMESTAMP(6)"),
	oracleTable("ORDERS", 193544, "ORDER_ID:NUMBER(10)* CUSTOMER_ID:NUMBER(10) STATUS:VARCHAR2(20) TOTAL:NUMBER(12,2) ORDERED_AT:DATE UPDATED_AT:TIMESTAMP(6)"),
	oracleTable("ORDER_LINES", 560311, "ORDER_ID:NUMBER(10)* LINE_NO:NUMBER(5)* PRODUCT_ID:NUMBER(10) QUANTITY:NUMBER(5) UNIT_PRICE:NUMBER(12,2)"),
	oracleTable("PRODUCTS", 1204, "PRODUCT_ID:NUMBER(10)* SKU:VARCHAR2(40) NAME:VARCHAR2(200) PRICE:NUMBER(12,2) ACTIVE:NUMBER(1)"),
	{TapStreamID: "CUSTOMER_ORDERS_V", StreamName: "CUSTOMER_ORDERS_V", SchemaName: "STITCH", IsView: true, RowCount: 48210,
		Fields: oracleFields("CUSTOMER_ID:NUMBER(10) EMAIL:VARCHAR2(255) ORDER_COUNT:NUMBER LAST_ORDER_AT:DATE")},
}

func oracleTable(name string, rows int64, cols string) streamDef {
	s := streamDef{TapStreamID: name, StreamName: name, SchemaName: "STITCH", RowCount: rows, Fields: oracleFields(cols)}
	for _, c := range strings.Fields(cols) {
		if strings.HasSuffix(c, "*") {
			s.KeyProperties = append(s.KeyProperties, strings.SplitN(c, ":", 2)[0])
		}
	}
	return s
}

func oracleFields(cols string) []fieldDef {
	var out []fieldDef
	for _, c := range strings.Fields(cols) {
		key := strings.HasSuffix(c, "*")
		name, sqlType, _ := strings.Cut(strings.TrimSuffix(c, "*"), ":")
		var schema string
		switch {
		case strings.HasPrefix(sqlType, "NUMBER(") && !strings.Contains(sqlType, ","):
			schema = `{"type":["null","integer"]}`
		case strings.HasPrefix(sqlType, "NUMBER"):
			schema = `{"type":["null","number"]}`
		case sqlType == "DATE" || strings.HasPrefix(sqlType, "TIMESTAMP"):
			schema = `{"type":["null","string"],"format":"date-time"}`
		default:
			schema = `{"type":["null","string"]}`
		}
		inc := "available"
		if key {
			inc = "automatic"
			schema = strings.Replace(schema, `"null",`, "", 1)
		}
		out = append(out, fieldDef{Name: name, Schema: json.RawMessage(schema), Inclusion: inc, SQLDatatype: sqlType})
	}
	return out
}

func streamsFor(t *typeDef, hand map[string]*typeDef) []streamDef {
	if fam, ok := databaseFamilies[t.Type]; ok && hand[fam] != nil {
		return slices.Clone(hand[fam].Streams)
	}
	if t.Type == "platform.oracle" {
		return slices.Clone(oracleTables)
	}
	specs, ok := saasStreams[t.Type]
	if !ok {
		specs = []string{"users", "accounts", "events", "reports"}
	}
	var out []streamDef
	for _, spec := range specs {
		out = append(out, parseStream(spec))
	}
	return out
}

// parseStream expands "name", "name=entity" or "name: cols".
func parseStream(spec string) streamDef {
	name, cols, inline := strings.Cut(spec, ":")
	if !inline {
		var entity string
		name, entity, _ = strings.Cut(spec, "=")
		if entity == "" {
			entity = name
		}
		c, ok := entities[entity]
		if !ok {
			panic(fmt.Sprintf("gencatalog: unknown entity %q", entity))
		}
		cols = c
	}
	name = strings.TrimSpace(name)
	s := streamDef{TapStreamID: name, StreamName: name}
	for _, c := range strings.Fields(cols) {
		key, repl := strings.Contains(c, "*"), strings.Contains(c, "^")
		fname, code, _ := strings.Cut(strings.TrimRight(c, "*^"), ":")
		inc := "available"
		if key || repl {
			inc = "automatic"
		}
		if key {
			s.KeyProperties = append(s.KeyProperties, fname)
		}
		if repl {
			s.ValidReplicationKeys = append(s.ValidReplicationKeys, fname)
		}
		s.Fields = append(s.Fields, fieldDef{Name: fname, Schema: json.RawMessage(fieldSchema(code)), Inclusion: inc})
	}
	s.ForcedReplicationMethod = "FULL_TABLE"
	if len(s.ValidReplicationKeys) > 0 {
		s.ForcedReplicationMethod = "INCREMENTAL"
	}
	return s
}

func fieldSchema(code string) string {
	switch code {
	case "i":
		return `{"type":["null","integer"]}`
	case "n":
		return `{"type":["null","number"]}`
	case "b":
		return `{"type":["null","boolean"]}`
	case "t":
		return `{"type":["null","string"],"format":"date-time"}`
	case "a":
		return `{"type":["null","array"],"items":{"type":["null","string"]}}`
	case "o":
		return `{"type":["null","object"],"properties":{}}`
	case "s":
		return `{"type":["null","string"]}`
	}
	panic(fmt.Sprintf("gencatalog: unknown column type %q", code))
}
