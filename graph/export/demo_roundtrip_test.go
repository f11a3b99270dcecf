package export

import (
	"reflect"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
)

// The demo tenant is served through the emulator and written as an export
// folder from its encoding, so it must survive both exactly.
func TestDemoTenantRoundTrips(t *testing.T) {
	t.Parallel()
	asOf := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, opts := range []demo.Options{
		{Seed: 1, AsOf: asOf},
		{Seed: 7, AsOf: asOf, Users: 1500, Policies: 40, Groups: 60},
	} {
		want := demo.Generate(opts)
		// The decoder reads [] and null alike as nil; the generator may
		// build empty lists. That is the only liberty the comparison takes.
		emptyListsToNil(reflect.ValueOf(want).Elem())

		got := throughDecoder(t, want)
		if len(got.Warnings) != 0 {
			t.Fatalf("seed %d: warnings:\n%s", opts.Seed, listWarnings(got.Warnings))
		}
		assertSnapshotsEqual(t, got, want)

		fromFolder := throughFolder(t, want)
		if !reflect.DeepEqual(fromFolder, got) {
			t.Errorf("seed %d: the folder reads back differently from the decoded encoding", opts.Seed)
			assertSnapshotsEqual(t, fromFolder, got)
		}
	}
}

// emptyListsToNil replaces every empty, non-nil slice reachable from v by
// nil, in place.
func emptyListsToNil(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			emptyListsToNil(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			emptyListsToNil(v.Field(i))
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := 0; i < v.Len(); i++ {
			emptyListsToNil(v.Index(i))
		}
	case reflect.Map:
		// Map values cannot be set in place: copy, fix, put back.
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			emptyListsToNil(e)
			v.SetMapIndex(k, e)
		}
	}
}
