# The co-sell connector's Dataverse schema (cosell-connector.md §2): the
# "Microsoft Partner Center" columns of the opportunity table and the two
# custom tables behind the "Microsoft Solutions" subgrid.
#
# NAMES: Microsoft documents the display names only. The msft_ logical names
# below come from ONE third-party export of an organisation running the
# connector (cosell-connector.md §2.2, [3p]): the best public evidence, not a
# Microsoft statement. The custom tables' names are not public at all; they
# follow the same pattern and match cosell_solution_detail's defaults.
# Column kinds, lengths and option values are inferred where marked [infer].

terraform {
  required_providers {
    cosell = {
      source = "cosell-labs/cosell"
    }
  }
}

locals {
  p = var.prefix

  # "How can Microsoft help?" options, in Partner Center's order ([doc]/[shot]);
  # their integer values are not public [infer].
  help_labels = [
    "Workload Specific Value Proposition",
    "Customer Technical Architecture",
    "Proof Of Concept or Demo",
    "Quotes or Licensing",
    "Post Sales Customer Success",
    "General Or Other",
  ]
  help_options = [for i, label in local.help_labels : { value = var.help_option_value_base + i, label = label }]
}

# ---------------------------------------------------------------------------
# Opportunity columns (§2.1 display names [doc]/[shot]; §2.2 logical names [3p])
# ---------------------------------------------------------------------------

# msft_microsoftpartnercenterreferralsync [3p] — "Sync with Partner Center", default No [doc].
resource "cosell_crm_field" "referral_sync" {
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftPartnerCenterReferralSync"
  display_name         = "Sync with Partner Center"
  description          = "Set to Yes to share this opportunity with Partner Center. Referrals arriving from Partner Center are created with Yes."
  type                 = "boolean"
  default_value        = false
  solution_unique_name = var.solution_unique_name
}

# msft_microsoftpartnercenterreferralvisible [3p] — "Referral Visibility"; labels [doc].
resource "cosell_crm_field" "referral_visible" {
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftPartnerCenterReferralVisible"
  display_name         = "Referral Visibility"
  description          = "Microsoft Partner Center Referral Visibility. Once visible to Microsoft sellers it cannot be reverted."
  type                 = "boolean"
  true_label           = "Visible to Microsoft sellers"
  false_label          = "Not visible to Microsoft sellers"
  default_value        = false
  solution_unique_name = var.solution_unique_name
}

# msft_microsoftpartnercenterhelp [3p] — "How can Microsoft help?"; empty = not a co-sell referral [doc].
resource "cosell_crm_field" "help" {
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftPartnerCenterHelp"
  display_name         = "How can Microsoft help?"
  description          = "Any value makes the referral a co-sell referral (a customer contact is then required)."
  type                 = "choice"
  options              = local.help_options
  solution_unique_name = var.solution_unique_name
}

# msft_microsoftpartnercenterreferralidentifier [3p] — "Referral Identifier" (read-only on the form); length [infer].
resource "cosell_crm_field" "referral_identifier" {
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftPartnerCenterReferralIdentifier"
  display_name         = "Referral Identifier"
  description          = "Partner Center referral id."
  type                 = "string"
  max_length           = 100
  solution_unique_name = var.solution_unique_name
}

# msft_microsoftpartnercenterreferrallink [3p] — "Referral Link" (URL) [doc]; length [infer].
resource "cosell_crm_field" "referral_link" {
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftPartnerCenterReferralLink"
  display_name         = "Referral Link"
  description          = "Link to the referral in Partner Center."
  type                 = "string"
  format               = "url"
  max_length           = 1000
  solution_unique_name = var.solution_unique_name
}

# msft_microsoftpartnercenterreferralprogram [3p] — "Referral Program" [shot]; meaning undocumented.
resource "cosell_crm_field" "referral_program" {
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftPartnerCenterReferralProgram"
  display_name         = "Referral Program"
  type                 = "string"
  max_length           = 100
  solution_unique_name = var.solution_unique_name
}

# msft_microsoftpartnercenterreferralsyncaudit [3p] — "Audit", multi-line sync trail [doc]; length [infer].
resource "cosell_crm_field" "referral_sync_audit" {
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftPartnerCenterReferralSyncAudit"
  display_name         = "Audit"
  description          = "Sync trail written by the connector, e.g. \"2020-04-17 09:05 - Partner Center Referral to CRM sync success.\""
  type                 = "memo"
  max_length           = 100000
  solution_unique_name = var.solution_unique_name
}

# msft_microsoftcrmidentifier [3p] — "Microsoft CRM Identifier", filled when Microsoft accepts a co-sell [doc].
resource "cosell_crm_field" "microsoft_crm_identifier" {
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftCRMIdentifier"
  display_name         = "Microsoft CRM Identifier"
  type                 = "string"
  max_length           = 100
  solution_unique_name = var.solution_unique_name
}

# msft_microsoftpartnercentersolutions [3p] — probably "Products: Obsolete" [infer]; kept for backward compatibility only.
resource "cosell_crm_field" "obsolete_products" {
  count                = var.include_obsolete_columns ? 1 : 0
  table                = "opportunity"
  schema_name          = "${local.p}_MicrosoftPartnerCenterSolutions"
  display_name         = "Products: Obsolete"
  description          = "Backward compatibility only; link solutions through Microsoft Solutions instead."
  type                 = "string"
  max_length           = 4000
  solution_unique_name = var.solution_unique_name
}

# ---------------------------------------------------------------------------
# Microsoft Solution Details (§2.3 [doc]): the catalogue admins prefill.
# Table and column logical names are not public [infer].
# ---------------------------------------------------------------------------

resource "cosell_crm_table" "solution_details" {
  schema_name             = "${local.p}_SolutionDetail"
  display_name            = "Microsoft Solution Detail"
  display_collection_name = "Microsoft Solution Details"
  description             = "Co-sell-ready partner solutions and Microsoft solutions sellers can link to an opportunity."

  primary_name_column = {
    schema_name  = "${local.p}_Name"
    display_name = "Solution Name"
    max_length   = 200
  }

  solution_unique_name = var.solution_unique_name
}

resource "cosell_crm_field" "solution_identifier" {
  table                = cosell_crm_table.solution_details.logical_name
  schema_name          = "${local.p}_SolutionIdentifier"
  display_name         = "Solution Identifier"
  description          = "Co-sell solution id (SOL-…) or Microsoft solution GUID."
  type                 = "string"
  max_length           = 100
  required_level       = "application_required"
  solution_unique_name = var.solution_unique_name
}

resource "cosell_crm_field" "solution_type" {
  table                = cosell_crm_table.solution_details.logical_name
  schema_name          = "${local.p}_SolutionType"
  display_name         = "Type"
  description          = "Solution type, e.g. 3P."
  type                 = "string"
  max_length           = 100
  solution_unique_name = var.solution_unique_name
}

resource "cosell_crm_field" "publisher_name" {
  table                = cosell_crm_table.solution_details.logical_name
  schema_name          = "${local.p}_PublisherName"
  display_name         = "Publisher Name"
  type                 = "string"
  max_length           = 200
  solution_unique_name = var.solution_unique_name
}

# ---------------------------------------------------------------------------
# Microsoft Partner Center Solutions (§2.3 [doc]; subgrid "Microsoft Solutions",
# relationship "Microsoft Solutions (Opportunity)" [shot]): links solutions to
# an opportunity — at least one before sharing with Microsoft.
# ---------------------------------------------------------------------------

resource "cosell_crm_table" "solutions" {
  schema_name             = "${local.p}_PartnerCenterSolution"
  display_name            = "Microsoft Partner Center Solution"
  display_collection_name = "Microsoft Partner Center Solutions"
  description             = "Co-sell-ready or Microsoft solutions linked to an opportunity."

  primary_name_column = {
    schema_name  = "${local.p}_Name"
    display_name = "Name"
    max_length   = 200
  }

  solution_unique_name = var.solution_unique_name
}

# The lookup from Solutions to opportunity (creates the 1:N relationship).
resource "cosell_crm_field" "solution_opportunity" {
  table                    = cosell_crm_table.solutions.logical_name
  schema_name              = "${local.p}_OpportunityId"
  display_name             = "Opportunity"
  type                     = "lookup"
  target_table             = "opportunity"
  relationship_schema_name = "${local.p}_opportunity_${local.p}_partnercentersolution"
  solution_unique_name     = var.solution_unique_name
}

# The lookup from Solutions to the Solution Details catalogue.
resource "cosell_crm_field" "solution_detail" {
  table                    = cosell_crm_table.solutions.logical_name
  schema_name              = "${local.p}_SolutionDetailId"
  display_name             = "Solution"
  type                     = "lookup"
  target_table             = cosell_crm_table.solution_details.logical_name
  relationship_schema_name = "${local.p}_${local.p}_solutiondetail_${local.p}_partnercentersolution"
  solution_unique_name     = var.solution_unique_name
}

# ---------------------------------------------------------------------------
# The provider's own column (not Microsoft's): cosell_sync's snapshot memo.
# ---------------------------------------------------------------------------

# The last synced state of each referral/opportunity pair (JSON written by cosell_sync; do not edit). cosell_sync
# compares both sides with it, so its own writes never look like changes and conflicts are detected per field.
resource "cosell_crm_field" "sync_snapshot" {
  count                = var.sync_snapshot_column == null ? 0 : 1
  table                = "opportunity"
  schema_name          = var.sync_snapshot_column
  display_name         = "Partner Center sync snapshot"
  description          = "Written by the cosell provider's sync: the last synced state of this opportunity and its referral. Do not edit."
  type                 = "memo"
  max_length           = 100000
  solution_unique_name = var.solution_unique_name
}
