package export

import (
	"fmt"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// OData types Graph writes on directory objects and named locations.
const (
	odataUser          = "#microsoft.graph.user"
	odataGroup         = "#microsoft.graph.group"
	odataPrefix        = "#microsoft.graph."
	namedLocationTypes = "NamedLocation"
)

type wireNamedLocation struct {
	ODataType   string `json:"@odata.type"`
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	IsTrusted   bool   `json:"isTrusted"`
}

func (d *Decoder) addNamedLocation(w wireNamedLocation) *fieldError {
	d.snap.NamedLocations = append(d.snap.NamedLocations, inventory.NamedLocation{
		ID:          w.ID,
		DisplayName: w.DisplayName,
		IsTrusted:   w.IsTrusted,
		Kind:        namedLocationKind(w.ODataType),
	})
	return nil
}

// namedLocationKind turns "#microsoft.graph.ipNamedLocation" into "ip" and
// "#microsoft.graph.countryNamedLocation" into "country"; a kind Graph adds
// later is kept the same way ("#microsoft.graph.xNamedLocation" → "x").
func namedLocationKind(odataType string) string {
	return strings.TrimSuffix(strings.TrimPrefix(odataType, odataPrefix), namedLocationTypes)
}

// namedLocationType is the inverse of namedLocationKind.
func namedLocationType(kind string) string {
	if kind == "" {
		return ""
	}
	return odataPrefix + kind + namedLocationTypes
}

type wireSecurityDefaults struct {
	IsEnabled *bool `json:"isEnabled"`
}

func (d *Decoder) addSecurityDefaults(w wireSecurityDefaults) *fieldError {
	if w.IsEnabled == nil {
		return badField("isEnabled", "is missing, so whether security defaults are on is not known")
	}
	enabled := *w.IsEnabled
	d.snap.SecurityDefaults = &enabled
	return nil
}

// wireMember is a directory object inline in members.
type wireMember struct {
	ODataType string `json:"@odata.type"`
	ID        string `json:"id"`
}

// memberIDs refuses a member without an id: dropped, it could be the very
// account a policy's excluded group holds.
func memberIDs(members []wireMember) *fieldError {
	for i, m := range members {
		if m.ID == "" {
			return badField(fmt.Sprintf("members[%d].id", i), "is missing: the member cannot be told")
		}
	}
	return nil
}

type wireDirectoryRole struct {
	ID             string       `json:"id"`
	DisplayName    string       `json:"displayName"`
	RoleTemplateID string       `json:"roleTemplateId" required:"the role cannot be identified"`
	Members        []wireMember `json:"members"`
}

func (d *Decoder) addDirectoryRole(w wireDirectoryRole) *fieldError {
	r := inventory.DirectoryRole{ID: w.ID, TemplateID: w.RoleTemplateID, DisplayName: w.DisplayName}
	if err := memberIDs(w.Members); err != nil {
		return err
	}
	for _, m := range w.Members {
		r.MemberIDs = append(r.MemberIDs, m.ID)
	}
	d.snap.Roles = append(d.snap.Roles, r)
	return nil
}

type wireGroup struct {
	ID          string       `json:"id" required:"policies name groups by id"`
	DisplayName string       `json:"displayName"`
	Members     []wireMember `json:"members"`
}

func (d *Decoder) addGroup(w wireGroup) *fieldError {
	if err := memberIDs(w.Members); err != nil {
		return err
	}
	g := inventory.Group{ID: w.ID, DisplayName: w.DisplayName}
	for _, m := range w.Members {
		switch m.ODataType {
		case odataUser, "":
			// A hand-written export may leave the type out; members are
			// mostly users.
			g.MemberUserIDs = append(g.MemberUserIDs, m.ID)
		case odataGroup:
			g.MemberGroupIDs = append(g.MemberGroupIDs, m.ID)
		default:
			// Devices, service principals and contacts are not accounts.
		}
	}
	d.snap.Groups = append(d.snap.Groups, g)
	return nil
}

type wireRoom struct {
	ID           string `json:"id"`
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
}

func (d *Decoder) addRoom(w wireRoom) *fieldError {
	d.snap.Rooms = append(d.snap.Rooms, inventory.Room{ID: w.ID, DisplayName: w.DisplayName, EmailAddress: w.EmailAddress})
	return nil
}
