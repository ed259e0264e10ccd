# Columns the Partner Center co-sell connector adds to the opportunity table
# (cosell-connector.md §2.1). The msft_ names are the best public evidence (a
# partner's Dataverse export), not names Microsoft documents; use your own
# publisher prefix for columns of your own. Schema names are written as the
# cosell-connector-schema module writes them; Dataverse compares them without
# case, so another spelling names the same column and never replaces it. The
# logical name (import id) is the schema name in lower case. These columns
# exist once the connector solution is installed: import them (see the guide
# "Adopting a connector that was set up by hand"), a create would stop with
# the import block.

# "Sync with Partner Center": a Yes/No toggle, No by default.
resource "cosell_crm_field" "sync_with_partner_center" {
  schema_name   = "msft_MicrosoftPartnerCenterReferralSync"
  display_name  = "Sync with Partner Center"
  description   = "Set to Yes to share this opportunity with Microsoft through Partner Center."
  type          = "boolean"
  default_value = false
}

# "Referral Visibility": a two-option column with the connector's labels.
resource "cosell_crm_field" "referral_visibility" {
  schema_name  = "msft_MicrosoftPartnerCenterReferralVisible"
  display_name = "Microsoft Partner Center Referral Visibility"
  type         = "boolean"
  true_label   = "Visible to Microsoft sellers"
  false_label  = "Not visible to Microsoft sellers"
}

# "How can Microsoft help?": empty means a non-co-sell referral. Option values
# are not published; these follow the 2996 prefix seen on msft_coselltype.
# Keep values stable: removing an option deletes it from the column.
resource "cosell_crm_field" "how_can_microsoft_help" {
  schema_name  = "msft_MicrosoftPartnerCenterHelp"
  display_name = "How can Microsoft help?"
  type         = "choice"
  options = [
    { value = 299600000, label = "Workload Specific Value Proposition" },
    { value = 299600001, label = "Customer Technical Architecture" },
    { value = 299600002, label = "Proof Of Concept or Demo" },
    { value = 299600003, label = "Quotes or Licensing" },
    { value = 299600004, label = "Post Sales Customer Success" },
    { value = 299600005, label = "General Or Other" },
  ]
}

# "Referral Identifier" and "Referral Link": text columns the flows fill in.
resource "cosell_crm_field" "referral_identifier" {
  schema_name  = "msft_MicrosoftPartnerCenterReferralIdentifier"
  display_name = "Referral Identifier"
  type         = "string"
  max_length   = 100
}

resource "cosell_crm_field" "referral_link" {
  schema_name  = "msft_MicrosoftPartnerCenterReferralLink"
  display_name = "Referral Link"
  type         = "string"
  format       = "url"
  max_length   = 500
}

# "Audit": the sync trail, multiple lines of text.
resource "cosell_crm_field" "audit" {
  schema_name  = "msft_MicrosoftPartnerCenterReferralSyncAudit"
  display_name = "Audit"
  type         = "memo"
  max_length   = 100000
}

# A column of your own: a lookup from opportunity to the partner's account.
# It creates the one-to-many relationship contoso_account_opportunity_PartnerAccountId.
resource "cosell_crm_field" "partner_account" {
  schema_name          = "contoso_PartnerAccountId"
  display_name         = "Partner account"
  type                 = "lookup"
  target_table         = "account"
  solution_unique_name = "ContosoCosell"
}
