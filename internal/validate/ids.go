package validate

import "fmt"

// Identifier checks shared by the provider block and the resources, so a
// provider-level id is refused at plan time exactly like its resource-level
// twin (e.g. cosell_connection.environment_id).

// CheckEnvironmentID accepts a Power Platform environment id (a GUID).
func CheckEnvironmentID(v string) string {
	if IsGUID(v) {
		return ""
	}
	return fmt.Sprintf("%q is not a Power Platform environment id; give the environment's GUID, e.g. 00000000-0000-0000-0000-00000000e001 "+
		"(Power Platform admin center → Environments → your environment → Environment ID).", v)
}

// CheckTenantID accepts a Microsoft Entra tenant id (a GUID).
func CheckTenantID(v string) string {
	return CheckGUID("give the Microsoft Entra tenant id (Directory ID)")(v)
}

// CheckClientID accepts an application (client) id (a GUID).
func CheckClientID(v string) string {
	return CheckGUID("give the app registration's Application (client) ID")(v)
}

// CheckGUID returns a check for a GUID; what says which GUID to give.
func CheckGUID(what string) func(string) string {
	return func(v string) string {
		if IsGUID(v) {
			return ""
		}
		return fmt.Sprintf("%q is not a GUID; %s, of the form 00000000-0000-0000-0000-000000000000.", v, what)
	}
}
