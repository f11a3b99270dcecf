package export

import "testing"

func TestObjectFieldsRefusesWhatIsNotAnObject(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{`[1]`, `"x"`, `{"a":`, `{"a":1`, ``} {
		if _, err := ObjectFields([]byte(raw)); err == nil {
			t.Errorf("ObjectFields(%q) accepted it", raw)
		}
	}
}
