package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// The workflow board (DOMAIN.md §4): its page, the next cards of a column,
// and a security lead's bulk edit.

// cardsPerColumn is how many cards a column shows before its "more"
// control: enough for a day's work, few enough that a 100,000-card tenant
// renders fast.
const cardsPerColumn = 50

// boardShow serves GET /board.
func (s *Server) boardShow(c echo.Context) error {
	var notice views.Notice
	if n, err := strconv.Atoi(c.QueryParam("bulk")); err == nil && n >= 0 {
		notice = views.Notice{Text: "The bulk edit changed " + plural(n, "card") + ".", Tone: "ok"}
	}
	v, err := s.boardPage(c, tenantOf(c), c.QueryParams(), notice)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.Board(v))
}

// boardColumnMore serves GET /board/column: the next cards of one column
// (of one lane), which the "more" control's htmx request appends in place.
func (s *Server) boardColumnMore(c echo.Context) error {
	t, q := tenantOf(c), c.QueryParams()
	status, err := inventory.ParseStatus(q.Get("status"))
	if err != nil {
		return err
	}
	offset, err := strconv.Atoi(q.Get("offset"))
	if err != nil || offset < 0 {
		return inventory.Errorf(inventory.EINVALID, "offset %q is not a number of cards to skip.", q.Get("offset"))
	}
	bq, err := parseBoardQuery(q, t.ID, actorOf(c), time.Now().UTC())
	if err != nil {
		return err
	}
	// A lane's column is the board filtered to the lane's category or path.
	laneKey := q.Get("lane_key")
	f := bq.Filter
	switch f.Swimlane {
	case "category":
		f.Category = laneKey
	case "path":
		f.Path = laneKey
	}
	f.Swimlane = ""
	board, err := s.store.Board(c.Request().Context(), f, cardsPerColumn, map[inventory.Status]int{status: offset})
	if err != nil {
		return err
	}
	b := s.boardBuilder(c, t, bq)
	for _, col := range board.Columns {
		if col.Status == status {
			cv := b.column(col, offset, laneKey)
			cv.FirstURL = "" // appended in place: the column keeps its head
			return render(c, http.StatusOK, views.ColumnCards(cv))
		}
	}
	return inventory.Errorf(inventory.ENOTFOUND, "The board has no %s column.", status.Label())
}

// boardPage builds the board for a URL's query, with a notice on top.
func (s *Server) boardPage(c echo.Context, t inventory.Tenant, q url.Values, notice views.Notice) (views.BoardPage, error) {
	ctx := c.Request().Context()
	viewer := actorOf(c)
	bq, err := parseBoardQuery(q, t.ID, viewer, time.Now().UTC())
	if err != nil {
		return views.BoardPage{}, err
	}
	board, err := s.store.Board(ctx, bq.Filter, cardsPerColumn, bq.Offsets)
	if err != nil {
		return views.BoardPage{}, err
	}
	people, err := s.assignable(c)
	if err != nil {
		return views.BoardPage{}, err
	}
	b := s.boardBuilder(c, t, bq)
	v := views.BoardPage{
		Page: pageOf(c, "Board", "board"), Query: bq.Filter.Query,
		Mine: bq.Filter.Mine != "", Overdue: bq.Filter.Overdue, Lane: bq.Filter.Swimlane,
		Notice: notice, Self: b.self, ResetURL: boardURL(url.Values{"tenant": {t.ID}}),
		Filters: []views.Filter{
			enumFilter("category", "category", bq.Filter.Category, inventory.Categories),
			enumFilter("path", "path", bq.Filter.Path, inventory.Paths),
			enumFilter("compliance", "verdict", bq.Filter.Compliance, inventory.Compliances),
			enumFilter("marker", "marker", bq.Filter.Marker, inventory.Markers),
			{Name: "assignee", Label: "assignee", Options: append(
				[]views.Option{{Value: pg.AssigneeNobody, Label: "nobody", Selected: bq.Filter.Assignee == pg.AssigneeNobody}},
				selectOne(people, bq.Filter.Assignee)...)},
		},
	}
	if bq.Filter.Swimlane != "" {
		for _, l := range board.Lanes {
			lv := views.LaneView{Key: l.Key, Label: l.Label}
			for _, col := range l.Columns {
				lv.Columns = append(lv.Columns, b.column(col, bq.Offsets[col.Status], l.Key))
				lv.Total += col.Total
			}
			v.Total += lv.Total
			v.Lanes = append(v.Lanes, lv)
		}
	} else {
		for _, col := range board.Columns {
			v.Columns = append(v.Columns, b.column(col, bq.Offsets[col.Status], ""))
			v.Total += col.Total
		}
	}
	if inventory.CanBulkEdit(viewer) == nil {
		v.Bulk = &views.BulkForm{
			Action: "/board/bulk", TenantID: t.ID, Matching: v.Total,
			Users: people, Paths: enumOptions(inventory.Paths, ""), Moves: bulkMoves(), Back: b.self,
			MaxReason: maxReasonLength,
		}
		for _, h := range bq.hiddenFilter() {
			v.Bulk.Filter = append(v.Bulk.Filter, views.Hidden{Name: h[0], Value: h[1]})
		}
	}
	return v, nil
}

// maxBulkIDs is the most cards a bulk edit may name by hand; "all matching
// the filter" has no such limit (the store selects them itself).
const maxBulkIDs = 5000

// boardBulk serves POST /board/bulk: a security lead assigns, sets the path
// or the due date of, or moves, the cards ticked by hand (ids) or every
// card the board's filter matches (scope=filter, with the filter in the
// form's hidden fields). Each card's move is checked as a single move is.
func (s *Server) boardBulk(c echo.Context) error {
	t := tenantOf(c)
	back := backURL(c, tenantURL("/board", t.ID))
	changed, err := s.applyBulk(c, t)
	if err == nil {
		back = withParam(back, "bulk", strconv.Itoa(changed))
	}
	return s.backTo(c, t, back, err, func(int, views.Notice) error { return err })
}

func (s *Server) applyBulk(c echo.Context, t inventory.Tenant) (int, error) {
	viewer := actorOf(c)
	if err := inventory.CanBulkEdit(viewer); err != nil {
		return 0, err
	}
	form, err := c.FormParams()
	if err != nil {
		return 0, inventory.Errorf(inventory.EINVALID, "The bulk edit form could not be read; reload the board and try again.")
	}
	a, err := bulkAction(c)
	if err != nil {
		return 0, err
	}
	var (
		ids    []string
		filter *pg.BoardFilter
	)
	switch scope := c.FormValue("scope"); scope {
	case "filter":
		bq, err := parseBoardQuery(form, t.ID, viewer, time.Now().UTC())
		if err != nil {
			return 0, err
		}
		f := bq.Filter
		f.Swimlane = ""
		filter = &f
	case "selected", "":
		for _, id := range form["ids"] {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return 0, inventory.Errorf(inventory.EINVALID, "Tick at least one card, or choose all cards matching the filter.")
		}
		if len(ids) > maxBulkIDs {
			return 0, inventory.Errorf(inventory.EINVALID, "A bulk edit by hand takes at most %d cards; this one names %d. Use all matching the filter instead.", maxBulkIDs, len(ids))
		}
	default:
		return 0, inventory.Errorf(inventory.EINVALID, "Unknown scope %q: edit the cards ticked (selected) or all matching the filter (filter).", scope)
	}
	changed, err := s.store.Bulk(c.Request().Context(), viewer, t.ID, ids, filter, a)
	if err == nil && a.Path != nil && changed > 0 {
		s.reassessAfter(c, t.ID) // a path override changes verdicts
	}
	return changed, err
}

// withParam sets one query parameter of a local URL.
func withParam(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// bulkMoves are the columns a bulk edit may move cards to: every column a
// person moves cards to (not triage, not the exception columns).
func bulkMoves() []views.Option {
	var out []views.Option
	for _, st := range inventory.Statuses {
		switch st {
		case inventory.Triage, inventory.ExceptionRequested, inventory.ExceptionGranted:
			continue
		}
		out = append(out, views.Option{Value: string(st), Label: st.Label()})
	}
	return out
}

// assignable lists the people cards can be assigned to (engineers and
// security leads who may sign in), as options.
func (s *Server) assignable(c echo.Context) ([]views.Option, error) {
	users, err := s.store.Users(c.Request().Context())
	if err != nil {
		return nil, err
	}
	var out []views.Option
	for _, u := range users {
		if u.Disabled || (u.Role != inventory.Engineer && u.Role != inventory.SecurityLead) {
			continue
		}
		out = append(out, views.Option{Value: u.ID, Label: u.Name() + " (" + u.Role.Label() + ")"})
	}
	return out, nil
}

// enumFilter is a filter select over an enum, without counts (the board's
// columns carry the counts).
func enumFilter[T labelled](name, label, selected string, values []T) views.Filter {
	return views.Filter{Name: name, Label: label, Options: enumOptions(values, selected)}
}

func enumOptions[T labelled](values []T, selected string) []views.Option {
	out := make([]views.Option, 0, len(values))
	for _, v := range values {
		out = append(out, views.Option{Value: string(v), Label: v.Label(), Selected: string(v) == selected})
	}
	return out
}

// selectOne copies options with the one whose value is selected marked.
func selectOne(opts []views.Option, selected string) []views.Option {
	out := make([]views.Option, len(opts))
	for i, o := range opts {
		o.Selected = o.Value == selected && selected != ""
		out[i] = o
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return views.Itoa(n) + " " + noun + "s"
}

// The board's view lives in its URL (filters, search, lanes, paged
// columns), so a view can be bookmarked and shared, and a plain form post
// comes back to exactly the view it was made from.

// boardFilterKeys are the query keys of the board's filter, in the order
// its URLs write them.
var boardFilterKeys = []string{"tenant", "q", "category", "path", "compliance", "marker", "assignee", "mine", "overdue", "lane"}

// boardQuery is a parsed board URL.
type boardQuery struct {
	Filter  pg.BoardFilter
	Offsets map[inventory.Status]int
	// Values is the filter alone, normalised (no paging): the base of
	// every link the board writes.
	Values url.Values
}

// parseBoardQuery reads the board's filter from a URL's query (or a bulk
// form's hidden fields). "mine" is the viewer's own cards.
func parseBoardQuery(q url.Values, tenantID string, viewer inventory.Actor, now time.Time) (boardQuery, error) {
	bq := boardQuery{Offsets: map[inventory.Status]int{}, Values: url.Values{}}
	f := pg.BoardFilter{
		TenantID: tenantID, Query: strings.TrimSpace(q.Get("q")),
		Category: q.Get("category"), Path: q.Get("path"), Compliance: q.Get("compliance"),
		Marker: q.Get("marker"), Assignee: q.Get("assignee"), Now: now,
	}
	if err := cmp.Or(oneOf("category", f.Category, inventory.Categories), oneOf("path", f.Path, inventory.Paths),
		oneOf("verdict", f.Compliance, inventory.Compliances), oneOf("marker", f.Marker, inventory.Markers)); err != nil {
		return bq, err
	}
	if q.Get("mine") == "1" {
		f.Mine = viewer.ID
	}
	f.Overdue = q.Get("overdue") == "1"
	switch lane := q.Get("lane"); lane {
	case "", "category", "path":
		f.Swimlane = lane
	default:
		return bq, inventory.Errorf(inventory.EINVALID, "Unknown swimlanes %q: use category or path, or none.", lane)
	}
	for key, vs := range q {
		name, ok := strings.CutPrefix(key, "more[")
		if !ok {
			continue
		}
		status, err := inventory.ParseStatus(strings.TrimSuffix(name, "]"))
		if err != nil || !strings.HasSuffix(name, "]") {
			return bq, inventory.Errorf(inventory.EINVALID, "%q does not name a column: use more[planned]=50 and the like.", key)
		}
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 0 {
			return bq, inventory.Errorf(inventory.EINVALID, "%s=%q is not a number of cards to skip.", key, vs[0])
		}
		bq.Offsets[status] = n
	}
	for _, k := range boardFilterKeys {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			bq.Values.Set(k, v)
		}
	}
	bq.Filter = f
	return bq, nil
}

// boardURL is the board with the filter of base plus extra (extra's ""
// values are dropped).
func boardURL(base url.Values, extra ...string) string {
	out := url.Values{}
	for k, vs := range base {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			out.Del(extra[i])
		} else {
			out.Set(extra[i], extra[i+1])
		}
	}
	if len(out) == 0 {
		return "/board"
	}
	return "/board?" + out.Encode()
}

// selfURL is the board as the viewer sees it now, paged columns included:
// where an action on it returns.
func (bq boardQuery) selfURL() string {
	var extra []string
	for _, st := range inventory.Statuses {
		if n, ok := bq.Offsets[st]; ok && n > 0 {
			extra = append(extra, "more["+string(st)+"]", strconv.Itoa(n))
		}
	}
	return boardURL(bq.Values, extra...)
}

// hiddenFilter is the filter as hidden fields, for the bulk form's "all
// matching the filter".
func (bq boardQuery) hiddenFilter() [][2]string {
	var out [][2]string
	for _, k := range boardFilterKeys {
		if v := bq.Values.Get(k); v != "" && k != "tenant" && k != "lane" {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

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
