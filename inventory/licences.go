package inventory

import "strings"

// Licence is a subscription SKU as people name it.
type Licence struct {
	SKU  string // assignedLicenses[].skuId as Graph writes it
	Name string // the product name, or the SKU id when it is not a well-known one
	// Device: the SKU licenses a shared device (Teams Rooms, Surface Hub,
	// Teams panels) rather than a person. Such a licence moves with the
	// device in a tenant split: the production tenant needs one of its own.
	Device bool
}

// knownLicences are the SKUs a partner's room devices and their people
// usually hold, from Microsoft's "Product names and service plan
// identifiers for licensing" (learn.microsoft.com/entra/identity/users/
// licensing-service-plan-reference). The ids do not change; a SKU not
// listed shows as its id.
var knownLicences = map[string]Licence{
	// Shared devices: Teams Rooms (on Windows, on Android, and Surface Hub,
	// which runs on a Teams Rooms licence since July 2023) and panels.
	"4cde982a-ede4-4409-9ae6-b003453c8ea6": {Name: "Microsoft Teams Rooms Pro", Device: true},
	"21943e3a-2429-4f83-84c1-02735cd49e78": {Name: "Microsoft Teams Rooms Pro without Audio Conferencing", Device: true},
	"6af4b3d6-14bb-4a2a-960c-6c902aad34f3": {Name: "Microsoft Teams Rooms Basic", Device: true},
	"50509a35-f0bd-4c5e-89ac-22f0e16a00f8": {Name: "Microsoft Teams Rooms Basic without Audio Conferencing", Device: true},
	"6070a4c8-34c6-4937-8dfb-39bbc6397a60": {Name: "Microsoft Teams Rooms Standard (retired)", Device: true},
	"4fb214cb-a430-4a91-9c91-4976763aa78f": {Name: "Microsoft Teams Rooms Premium (retired)", Device: true},
	"295a8eb0-f78d-45c7-8b5b-1eed5ed02dff": {Name: "Microsoft Teams Shared Devices", Device: true},

	// Microsoft 365 and Office 365 suites.
	"05e9a617-0261-4cee-bb44-138d3ef5d965": {Name: "Microsoft 365 E3"},
	"06ebc4ee-1bb5-47dd-8120-11324bc54e06": {Name: "Microsoft 365 E5"},
	"66b55226-6b4f-492c-910c-a3b7a3c9d993": {Name: "Microsoft 365 F3"},
	"3b555118-da6a-4418-894f-7df1e2096870": {Name: "Microsoft 365 Business Basic"},
	"f245ecc8-75af-4f8e-b61f-27d8114de5f3": {Name: "Microsoft 365 Business Standard"},
	"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46": {Name: "Microsoft 365 Business Premium"},
	"18181a46-0d4e-45cd-891e-60aabd171b4e": {Name: "Office 365 E1"},
	"6fd2c87f-b296-42f0-b197-1e91e994b900": {Name: "Office 365 E3"},
	"c7df2760-2c81-4ef7-b578-5b5392b571df": {Name: "Office 365 E5"},

	// Single services room mailboxes and integrations are often given.
	"4b9405b0-7788-4568-add1-99614e613b69": {Name: "Exchange Online (Plan 1)"},
	"19ec0d23-8335-4cbd-94ac-6050e30712fa": {Name: "Exchange Online (Plan 2)"},
	"eec0eb4f-6444-4f95-aba0-50c24d67f998": {Name: "Microsoft Entra ID P2"},
	"f8a1db68-be16-40ed-86d5-cb42ce701560": {Name: "Power BI Pro"},
}

// LicenceOf names a SKU id.
func LicenceOf(sku string) Licence {
	if l, ok := knownLicences[strings.ToLower(strings.TrimSpace(sku))]; ok {
		l.SKU = sku
		return l
	}
	return Licence{SKU: sku, Name: sku}
}

// LicencesOf names each SKU id of a list, in the list's order.
func LicencesOf(skus []string) []Licence {
	if len(skus) == 0 {
		return nil
	}
	out := make([]Licence, len(skus))
	for i, s := range skus {
		out[i] = LicenceOf(s)
	}
	return out
}
