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
	// Settings: what changed in Reason (the kind in From and To); delivery
	// settings "on"/"off" in From and To and the schedule and where the
	// report goes, by host, in Reason; a delivery sent by hand its outcome
	// in Reason. User management: the user's id and e-mail in the details
	// "user_id" and "email" (and "ip", where the person acted from), the
	// roles in From and To. An export: what was exported in To.
	ActionSettings         = "settings"
	ActionDeliverySettings = "delivery settings"
	ActionDeliverySent     = "delivery sent"
	ActionUserCreated      = "user_created"
	ActionUserRole         = "user_role_changed"
	ActionUserDisabled     = "user_disabled"
	ActionUserEnabled      = "user_enabled"
	ActionPasswordReset    = "user_password_reset"
	ActionExport           = "export"
	// A sync's alert of accounts that lost coverage: how many in To, the
	// sync run in the detail "run", the outcome in Reason.
	ActionChangeAlert = "change alert sent"
)
