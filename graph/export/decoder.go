package export

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/mfaboard/mfaboard/inventory"
)

// maxWarningsPerFile bounds the warnings kept for one file: an export whose
// every sign-in lacks a field would otherwise carry a million identical
// sentences. The rest are counted and summed up in one warning.
const maxWarningsPerFile = 50

// Decoder turns Graph's own JSON, one item at a time, into an
// inventory.Snapshot. It is a Sink, so the live client, the folder reader and
// the emulator all feed it the same way. Values are read from the raw JSON
// rather than through the SDK's models, so an enum value Graph adds later
// (a new builtInControls or clientAppTypes entry) is kept as written.
//
// A malformed item (not an object, a field the rules read of the wrong
// type, a user without an id, a NUL character or an overlong text) refuses
// the whole source: Add returns an EINVALID inventory.Error naming the
// file, the item and the field, and the caller stores nothing. Skipping the
// item instead could drop an exclusion group or a single-factor sign-in and
// make a verdict better than its data. What cannot make a verdict better (a
// display-only field of the wrong type, a policy state Graph adds later) is
// a Warning and the item is kept. Call Snapshot once, at the end.
type Decoder struct {
	snap inventory.Snapshot

	// next is the index of the next item of each collection, for field
	// paths such as value[12].signInActivity.
	next map[string]int
	// current collection and index of the item being decoded.
	curCollection string
	curIndex      int
	curItem       json.RawMessage

	warningsPerFile   map[string]int
	suppressedPerFile map[string]int
	// missingEnabled counts users without accountEnabled: one warning for
	// the whole file rather than one per user.
	missingEnabled int

	folds   signInFolds
	partner partnerFolds      // Partner Center sign-ins (decode_partner.go)
	strings map[string]string // interned sign-in strings
	orgSeen bool
}

// NewDecoder returns an empty Decoder.
func NewDecoder() *Decoder {
	return &Decoder{
		snap: inventory.Snapshot{
			Registrations: map[string]inventory.Registration{},
			PerUserMFA:    map[string]string{},
			Present:       map[string]bool{},
		},
		next:              map[string]int{},
		warningsPerFile:   map[string]int{},
		suppressedPerFile: map[string]int{},
		folds:             newSignInFolds(),
		strings:           map[string]string{},
	}
}

// Begin implements Sink: the collection is present in the source.
func (d *Decoder) Begin(collection string) error {
	if !isCollection(collection) {
		return fmt.Errorf("decode: %q is not a collection of the export folder", collection)
	}
	d.snap.Present[collection] = true
	return nil
}

// Add implements Sink: it decodes one item of a collection. It returns an
// error for a collection name no source should send, and an EINVALID
// inventory.Error for an item the rules cannot trust (see Decoder).
func (d *Decoder) Add(collection string, item json.RawMessage) error {
	if err := d.Begin(collection); err != nil {
		return err
	}
	d.curCollection, d.curIndex, d.curItem = collection, d.next[collection], item
	d.next[collection]++

	if !isObject(item) {
		return d.refuse(badField("", "must be a JSON object, found %s", jsonKind(item)))
	}
	var err *fieldError
	switch collection {
	case inventory.CollOrganization:
		err = decoded(item, d.addOrganization)
	case inventory.CollUsers:
		err = decoded(item, d.addUser)
	case inventory.CollRegistrations:
		err = decoded(item, d.addRegistration)
	case inventory.CollPolicies:
		err = decoded(item, d.addPolicy)
	case inventory.CollNamedLocations:
		err = decoded(item, d.addNamedLocation)
	case inventory.CollSecurityDefaults:
		err = decoded(item, d.addSecurityDefaults)
	case inventory.CollDirectoryRoles:
		err = decoded(item, d.addDirectoryRole)
	case inventory.CollGroups:
		err = decoded(item, d.addGroup)
	case inventory.CollRooms:
		err = decoded(item, d.addRoom)
	case inventory.CollSignIns:
		err = decoded(item, d.addSignIn)
	case inventory.CollPerUserMFA:
		err = decoded(item, d.addPerUserMFA)
	case inventory.CollServicePrincipals:
		err = displayOnly(d, item, d.addServicePrincipal)
	case inventory.CollPermissionGrants:
		err = displayOnly(d, item, d.addPermissionGrant)
	}
	if err != nil {
		if err.Message == "" {
			err.Message = "cannot be read"
		}
		return d.refuse(err)
	}
	return nil
}

// Warn records a problem a source met itself (a 403, a throttled
// endpoint), so it travels with the snapshot.
func (d *Decoder) Warn(w inventory.Warning) {
	d.snap.Warnings = append(d.snap.Warnings, w)
}

// Snapshot finishes decoding and returns the snapshot: the collections met
// are in Present, the warnings in Warnings. Lists keep the order the source
// gave; sign-in folds are per account in the order first met.
func (d *Decoder) Snapshot() *inventory.Snapshot {
	if d.missingEnabled > 0 {
		d.Warn(inventory.Warning{
			Source:  fileOf(inventory.CollUsers),
			Field:   "accountEnabled",
			Message: fmt.Sprintf("missing on %d user(s); they are treated as enabled, so nothing is hidden as not applicable (add accountEnabled to the $select)", d.missingEnabled),
		})
		d.missingEnabled = 0
	}
	for _, f := range slices.Sorted(maps.Keys(d.suppressedPerFile)) {
		d.Warn(inventory.Warning{Source: f, Message: fmt.Sprintf("%d more problem(s) of this file not listed", d.suppressedPerFile[f])})
		delete(d.suppressedPerFile, f)
	}
	d.snap.SignIns = d.folds.byAccount
	d.snap.PartnerSignIns = d.partner.byAccount
	return &d.snap
}

// warnItem records a warning about the item being decoded.
func (d *Decoder) warnItem(e *fieldError) {
	source := fileOf(d.curCollection)
	field := fmt.Sprintf("value[%d]", d.curIndex)
	if d.curCollection == inventory.CollSecurityDefaults {
		// A single object, not a collection: its fields sit at the top.
		field = ""
	}
	field = joinPath(field, e.Field)
	if d.warningsPerFile[source] >= maxWarningsPerFile {
		d.suppressedPerFile[source]++
		return
	}
	d.warningsPerFile[source]++
	d.Warn(inventory.Warning{Source: source, Field: field, Message: e.Message})
}

// intern returns one shared copy of a string met many times (app and client
// names of sign-in events), so a million events do not hold a million copies.
func (d *Decoder) intern(s string) string {
	if v, ok := d.strings[s]; ok {
		return v
	}
	d.strings[s] = s
	return s
}

// fileOf is the export folder's file name of a collection.
func fileOf(collection string) string { return collection + ".json" }

func isCollection(name string) bool {
	for _, c := range inventory.Collections {
		if c == name {
			return true
		}
	}
	return false
}

// nonEmpty returns nil for an empty list, so "absent", null and [] decode
// alike.
func nonEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}
