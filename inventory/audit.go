package inventory

// The actions of the audit trail (DOMAIN.md §4: every change, who, when,
// from, to and why, goes to an append-only trail). From and To hold, per
// action: card_created and move (and the exception actions, which move the
// card too) the statuses; assign the assignees' names (their ids in the
// details "from_id" and "to_id"); due_date the dates as 2006-01-02 ("" for
// none); override the category and path as "category / path"; deadline the
// tenant's enforcement deadlines as 2006-01-02 ("" for none). The reason
// holds the person's words: a comment's text, a move's reason, a
// justification, a decision's note. Other parts of the dashboard record
// actions of their own (sign-ins, settings, user management).
const (
	ActionCardCreated        = "card_created"
	ActionMove               = "move"
	ActionAssign             = "assign"
	ActionDueDate            = "due_date"
	ActionComment            = "comment"
	ActionOverride           = "override"
	ActionExceptionRequested = "exception_requested"
	ActionExceptionGranted   = "exception_granted"
	ActionExceptionRejected  = "exception_rejected"
	ActionExceptionWithdrawn = "exception_withdrawn"
	ActionExceptionRevoked   = "exception_revoked"
	ActionExceptionExpired   = "exception_expired"
	ActionDeadline           = "deadline"
)
