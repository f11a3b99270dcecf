package export

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
)

// FuzzReadFolder feeds hand-edited, cut and hostile files to the folder
// reader and the decoder: it must never panic; a refusal is wrong input
// (EINVALID) with one printable sentence naming the file; and whatever it
// accepts holds only text the store can keep.
//
//	go test -fuzz FuzzReadFolder -fuzztime 60s ./graph/export/
func FuzzReadFolder(f *testing.F) {
	seeds := []struct {
		file    uint8
		content string
	}{
		{0, oneUser},
		{1, `{"value":[{"id":"g1","members":"oops"}]}`},
		{1, `{"value":[{"id":"g1","members":[{"@odata.type":"#microsoft.graph.group","id":"g2"}]}]}`},
		{2, `{"value":[{"userId":"u1","createdDateTime":"2026-11-01T00:00:00Z","isInteractive":"no","status":{"errorCode":0}}]}`},
		{3, `{"value":[{"id":"p1","state":"enabled","conditions":{"users":{"includeUsers":["All"],"excludeGroups":["g1"]},"applications":{"includeApplications":["All"]},"x\u0000":1},"grantControls":{"operator":"OR","builtInControls":["mfa"]}}]}`},
		{4, `{"isEnabled":"yes"}`},
		{0, `{"value":[{"id":"u1","accountEnabled":"yes"}]}`},
		{0, `{"value":[{"id":"u1","displayName":"a\u0000b"}]}`},
		{0, `{"value":[{"id":"u1"}]} trailing`},
		{0, `null`},
		{0, ``},
		{1, `{"value":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`},
	}
	for _, s := range seeds {
		f.Add(s.file, s.content)
	}
	files := []string{"users.json", "groups.json", "signIns.json", "conditionalAccessPolicies.json", "securityDefaults.json",
		"userRegistrationDetails.json", "directoryRoles.json", "rooms.json", "perUserMfaState.json", "namedLocations.json", "organization.json"}
	f.Fuzz(func(t *testing.T, which uint8, content string) {
		name := files[int(which)%len(files)]
		folder := map[string]string{"users.json": oneUser}
		folder[name] = content
		snap, err := ReadSnapshot(writeFolder(t, folder))
		if err != nil {
			if inventory.ErrorCode(err) != inventory.EINVALID {
				t.Fatalf("refused as %s, want invalid input: %v", inventory.ErrorCode(err), err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, name+": ") || strings.ContainsAny(msg, "\x00\x1b\n\r") {
				t.Fatalf("the sentence does not start with %s or holds control characters: %q", name, msg)
			}
			return
		}
		assertKeepableText(t, reflect.ValueOf(snap), "snapshot")
	})
}

// assertKeepableText fails on any string in v that the store could not keep
// or that Graph never writes.
func assertKeepableText(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			assertKeepableText(t, v.Elem(), path)
		}
	case reflect.String:
		if s := v.String(); strings.IndexByte(s, 0) >= 0 || len(s) > maxTextLength {
			t.Fatalf("%s keeps text the store cannot hold (%d bytes)", path, len(s))
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			assertKeepableText(t, v.Index(i), path+"[]")
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			assertKeepableText(t, it.Key(), path+"{key}")
			assertKeepableText(t, it.Value(), path+"{}")
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				assertKeepableText(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	}
}
