package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// boardBuilder turns the store's board into display models for one viewer:
// each card offers exactly the moves inventory.MovesFor allows the viewer,
// and the bulk checkbox only to a security lead.
type boardBuilder struct {
	viewer   inventory.Actor
	tenantID string
	bq       boardQuery
	self     string
	lead     bool
	folded   map[inventory.Status]bool
}

func (s *Server) boardBuilder(c echo.Context, t inventory.Tenant, bq boardQuery) boardBuilder {
	viewer := actorOf(c)
	return boardBuilder{viewer: viewer, tenantID: t.ID, bq: bq, self: bq.selfURL(), lead: inventory.CanBulkEdit(viewer) == nil,
		folded: foldedColumns(c)}
}

// foldedCookie names the columns a person folded, as board.js writes it:
// statuses joined by ".", or "-" for none. Without it, verified is folded:
// it holds the accounts that need nothing, most of a tenant.
const foldedCookie = "board_folded"

// defaultFolded are the columns folded until a person chooses.
var defaultFolded = []inventory.Status{inventory.Verified}

// foldedColumns reads the columns to show folded; an unknown status in the
// cookie is ignored (it is only a preference).
func foldedColumns(c echo.Context) map[inventory.Status]bool {
	out := map[inventory.Status]bool{}
	ck, err := c.Cookie(foldedCookie)
	if err != nil {
		for _, st := range defaultFolded {
			out[st] = true
		}
		return out
	}
	for _, name := range strings.Split(ck.Value, ".") {
		if st, err := inventory.ParseStatus(name); err == nil {
			out[st] = true
		}
	}
	return out
}

// column builds one column (of lane laneKey, "" without lanes) that starts
// offset cards in.
func (b boardBuilder) column(col pg.BoardColumn, offset int, laneKey string) views.ColumnView {
	v := views.ColumnView{Status: string(col.Status), Label: col.Status.Label(), Total: col.Total, Offset: offset, Lane: laneKey,
		Folded: b.folded[col.Status]}
	for _, bc := range col.Cards {
		v.Cards = append(v.Cards, b.card(bc))
	}
	if col.More {
		next := strconv.Itoa(offset + len(col.Cards))
		more := "more[" + string(col.Status) + "]"
		v.MoreURL = boardURL(b.bq.Values, more, next)
		frag := url.Values{}
		for k, vs := range b.bq.Values {
			frag[k] = vs
		}
		frag.Set("status", string(col.Status))
		frag.Set("offset", next)
		if laneKey != "" {
			frag.Set("lane_key", laneKey)
		}
		v.MoreFragmentURL = "/board/column?" + frag.Encode()
	}
	if offset > 0 {
		v.FirstURL = boardURL(b.bq.Values)
	}
	return v
}

// card builds one card for the viewer.
func (b boardBuilder) card(bc pg.BoardCard) views.CardView {
	return cardView(b.viewer, b.tenantID, b.self, b.lead, bc)
}

// cardView is a card as the viewer sees it; back is where its form returns.
func cardView(viewer inventory.Actor, tenantID, back string, selectable bool, bc pg.BoardCard) views.CardView {
	v := views.CardView{
		ID: bc.AccountID, UPN: bc.UserPrincipalName, DisplayName: bc.DisplayName, TenantID: tenantID,
		Status: string(bc.Status), StatusLabel: bc.Status.Label(),
		Category: string(bc.Category), CategoryLabel: bc.Category.Label(),
		Path: string(bc.Path), PathLabel: bc.Path.Label(),
		Compliance: string(bc.Compliance), ComplianceLabel: bc.Compliance.Label(),
		AssigneeName: bc.AssigneeName, Due: bc.DueDate, Overdue: bc.Overdue, DaysInColumn: bc.DaysInColumn,
		Version: bc.Version, Selectable: selectable, Back: back,
		StatusReason: bc.StatusReason, MaxReason: maxReasonLength,
	}
	if v.DisplayName == "" {
		v.DisplayName = bc.UserPrincipalName
	}
	if v.AssigneeName == "" && bc.Assignee != "" {
		v.AssigneeName = "someone no longer here"
	}
	for _, m := range bc.Markers {
		v.Markers = append(v.Markers, views.Badge{Value: string(m), Label: m.Label()})
	}
	v.Moves = moveOptions(viewer, bc.Card)
	return v
}

// moveOptions are the columns viewer may move card to, as options.
func moveOptions(viewer inventory.Actor, card inventory.Card) []views.Option {
	var out []views.Option
	for _, st := range inventory.MovesFor(viewer, card) {
		out = append(out, views.Option{Value: string(st), Label: st.Label()})
	}
	return out
}
