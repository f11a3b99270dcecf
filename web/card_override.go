package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
)

// maxOverrideReasonLength is the most characters an override's reason may
// have.
const maxOverrideReasonLength = 500

// cardOverride serves POST /accounts/:id/override (category, path, reason):
// a security lead's answer that wins over the automatic one. Both empty
// removes the override. The verdict is reassessed at once.
func (s *Server) cardOverride(c echo.Context) error {
	t, err := s.postedTenant(c)
	if err != nil {
		return err
	}
	id := accountParam(c)
	err = func() error {
		viewer := actorOf(c)
		if err := inventory.CanOverride(viewer); err != nil {
			return err
		}
		category, err := formCategory(strings.TrimSpace(c.FormValue("category")))
		if err != nil {
			return err
		}
		path, err := formPath(strings.TrimSpace(c.FormValue("path")))
		if err != nil {
			return err
		}
		reason := strings.TrimSpace(c.FormValue("reason"))
		if (category != "" || path != "") && reason == "" {
			return inventory.Errorf(inventory.EINVALID, "An override needs a reason: say why the automatic answer is wrong for this account.")
		}
		if n := len([]rune(reason)); n > maxOverrideReasonLength {
			return inventory.Errorf(inventory.EINVALID, "A reason can be at most %d characters; this one has %d.", maxOverrideReasonLength, n)
		}
		o := inventory.Override{Category: category, Path: path, Author: viewer.Name, Reason: reason}
		if err := s.store.SetOverrideAs(c.Request().Context(), viewer, t.ID, id, o); err != nil {
			return err
		}
		return s.reassessAfter(c, t.ID)
	}()
	return s.answer(c, t, id, err, nil)
}
