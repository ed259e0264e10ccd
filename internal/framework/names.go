package framework

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Dataverse names (schema names, solution unique names) are
// case-insensitive: msft_MicrosoftPartnerCenterReferralSync and
// msft_microsoftpartnercenterreferralsync are one column. NameType is a
// string whose values compare without case (the framework's semantic
// equality): a read or an apply that returns another spelling keeps the
// one in state or in the plan, so the configured spelling stays and no
// "inconsistent result" arises. Plan modifiers that compare names use
// SameName.

// NameType is the attribute type of a case-insensitive Dataverse name.
type NameType struct{ basetypes.StringType }

var _ basetypes.StringTypable = NameType{}

func (t NameType) Equal(o attr.Type) bool {
	other, ok := o.(NameType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t NameType) String() string { return "framework.NameType" }

func (t NameType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return Name{StringValue: in}, nil
}

func (t NameType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return Name{StringValue: s}, nil
}

func (t NameType) ValueType(context.Context) attr.Value { return Name{} }

// Name is a value of NameType.
type Name struct{ basetypes.StringValue }

var _ basetypes.StringValuableWithSemanticEquals = Name{}

func (v Name) Type(context.Context) attr.Type { return NameType{} }

func (v Name) Equal(o attr.Value) bool {
	other, ok := o.(Name)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals: the same name in another spelling.
func (v Name) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	n, ok := nv.(Name)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("expected framework.Name, got %T; this is a bug in the provider", nv))
		return false, diags
	}
	return strings.EqualFold(v.ValueString(), n.ValueString()), diags
}

// NameValue, NameNull and NameUnknown build Name values.
func NameValue(s string) Name { return Name{StringValue: basetypes.NewStringValue(s)} }
func NameNull() Name          { return Name{StringValue: basetypes.NewStringNull()} }
func NameUnknown() Name       { return Name{StringValue: basetypes.NewStringUnknown()} }

// NameOrNull is NameValue, or null for "".
func NameOrNull(s string) Name {
	if s == "" {
		return NameNull()
	}
	return NameValue(s)
}

// KeepSpelling returns prior when it names the same thing as read (so the
// user's spelling stays in state), else read.
func KeepSpelling(prior Name, read string) Name {
	if !prior.IsNull() && !prior.IsUnknown() && strings.EqualFold(prior.ValueString(), read) {
		return prior
	}
	return NameValue(read)
}

// SameName compares two names as Dataverse does: without case.
func SameName(a, b string) bool { return strings.EqualFold(a, b) }

// RequiresReplaceIfRenamed replaces the resource when a name changes other
// than in case. A prior value that is null (an import, where the name
// could not be read back) or unknown never replaces: the first apply only
// records the configured value. what says what a replacement destroys,
// for the plan's description.
func RequiresReplaceIfRenamed(what string) planmodifier.String {
	desc := "Changing it (other than in letter case) replaces " + what + "; a change of case alone changes nothing."
	return stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = renamed(req.StateValue, req.PlanValue)
	}, desc, desc)
}

// renamed is true when both values are known, the prior one is not null,
// and they differ other than in case.
func renamed(prior, planned basetypes.StringValuable) bool {
	p, _ := prior.ToStringValue(context.Background())
	n, _ := planned.ToStringValue(context.Background())
	if p.IsNull() || p.IsUnknown() || n.IsUnknown() {
		return false
	}
	return n.IsNull() || !strings.EqualFold(p.ValueString(), n.ValueString())
}
