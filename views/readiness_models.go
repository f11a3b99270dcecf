package views

// ReadinessPage is the readiness view (issue 5): is the tenant ready for
// enforcement, and when will it be. Every value is display-ready.
type ReadinessPage struct {
	Page
	Synced bool // false when no tenant has been synced yet

	Headline     string
	HeadlineTone string // ok, bad or muted
	AsOf         string // when the figures were assessed, in words
	Projection   string // when the tenant will be ready, a sentence
	Deadline     string // the enforcement deadline in words, "" = none
	DeadlineISO  string // the same as 2006-01-02, for the date input
	// CanSetDeadline shows the deadline form (security leads); Saved says
	// the deadline was just changed.
	CanSetDeadline, DeadlineSaved bool

	// Shares are the applicable accounts by verdict.
	Shares []ShareTile
	// Privileged are the privileged and break-glass accounts still open,
	// worst first, at most a page of them; PrivilegedMore how many more,
	// PrivilegedHref where to see them all.
	Privileged     []OpenAccount
	PrivilegedMore int
	PrivilegedHref string
	// Figures are the tables of counts and shares: overall, by category,
	// by path.
	Figures []FigureTable
	Gaps    []GapLine
	// Exceptions is the register of exceptions requested or granted, the
	// soonest to expire first; ExceptionsMore how many more there are.
	Exceptions     []ExceptionLine
	ExceptionsMore int
	Overdue        []OverdueLine
	Chart          TrendChart
	Unchecked      []string

	// Exports are the download links, in the tenant shown.
	PDFHref, XLSXHref, CSVHref string
}

// ShareTile is one verdict's share of the applicable accounts.
type ShareTile struct {
	Label, Count, Share, Tone, Href string
}

// OpenAccount is one privileged or break-glass account still open.
type OpenAccount struct {
	Href, UPN, DisplayName string
	Markers                []Badge
	Compliance, Tone       string
	Path                   string
	Reason                 string
	Assignee, Due          string
	Late                   bool
}

// FigureTable is a table of accounts by verdict, one row per group.
type FigureTable struct {
	Title, First string // the table's caption and its first column's title
	Columns      []string
	Rows         []FigureRow
}

// FigureRow is one group's counts: Cells follow FigureTable.Columns.
type FigureRow struct {
	Label      string
	Applicable string
	Cells      []FigureCell
	Disabled   string
	Emphasis   bool
}

// FigureCell is a count and its share of the row's applicable accounts.
type FigureCell struct {
	Count, Share, Tone string
}

// GapLine is one policy gap.
type GapLine struct {
	Policy, Description, Accounts string
}

// ExceptionLine is one entry of the exception register.
type ExceptionLine struct {
	UPN, DisplayName, Status, DecidedBy string
	Expiry, ExpiryNote, Tone            string
	Justification, Controls             string
}

// OverdueLine is one person's open and late work.
type OverdueLine struct {
	Assignee      string
	Overdue, Open string
	Late          bool
}

// TrendChart is the burn-down drawn as SVG on the server: coordinates in
// the units of its viewBox, ready to write into attributes.
type TrendChart struct {
	// Empty says why there is no chart yet; "" when there is one.
	Empty         string
	Title, Desc   string
	Width, Height string // of the viewBox
	// The plot area's edges.
	Left, Right, Top, Bottom string
	YTicks, XTicks           []ChartTick
	// Open and NonCompliant are polyline points ("x,y x,y ...").
	Open, NonCompliant string
	Dots               []ChartDot
	// Projection is the dashed burn-down from the latest count to zero at
	// the recent pace; nil when none can be drawn.
	Projection *ChartLine
	// Markers are the vertical lines of the projected date and the
	// deadline, each labelled in words.
	Markers []ChartMarker
	// Rows are the points as a table, for people who do not read charts.
	Rows []TrendRow
}

// ChartTick is a grid line or an axis label at a coordinate.
type ChartTick struct{ At, Label string }

// ChartDot is one day's point.
type ChartDot struct{ X, Y, Title string }

// ChartLine is a straight line.
type ChartLine struct{ X1, Y1, X2, Y2 string }

// ChartMarker is a labelled vertical line at a day.
type ChartMarker struct {
	Kind   string // "deadline" or "projected"
	X      string
	LabelX string
	LabelY string
	Anchor string // the label's text-anchor: start or end
	Label  string
}

// TrendRow is one day of the trend, in words.
type TrendRow struct {
	Day, Open, NonCompliant, AtRisk, Applicable string
}
