package pg

import (
	"context"
	"fmt"

	"github.com/mfaboard/mfaboard/inventory"
)

// overridePath sets (or clears) the path override of every selected card,
// keeping any category override.
func (b *bulkEdit) overridePath(ctx context.Context, path inventory.Path) error {
	ids := make([]string, len(b.cards))
	for i, c := range b.cards {
		ids[i] = c.AccountID
	}
	reason := b.action.Reason
	if reason == "" {
		reason = "set by a bulk edit"
	}
	author := b.actor.Name
	if author == "" {
		author = b.actor.ID
	}
	// What each account's category and path are before the override.
	rows, err := b.tx.Query(ctx, `
		SELECT c.account_id, coalesce(s.category, ''), coalesce(s.path, ''), coalesce(o.path, '')
		FROM unnest($2::text[]) AS c(account_id)
		LEFT JOIN assessments s ON s.tenant_id = $1 AND s.account_id = c.account_id
		LEFT JOIN overrides o ON o.tenant_id = $1 AND o.account_id = c.account_id`, b.tenantID, ids)
	if err != nil {
		return fmt.Errorf("read paths: %w", err)
	}
	var changing []string
	for rows.Next() {
		var id, category, current, overridden string
		if err := rows.Scan(&id, &category, &current, &overridden); err != nil {
			rows.Close()
			return fmt.Errorf("read paths: %w", err)
		}
		if overridden == string(path) {
			continue
		}
		changing = append(changing, id)
		to := string(path)
		if to == "" {
			to = "automatic"
		}
		b.events = append(b.events, AuditEvent{AccountID: id, Action: inventory.ActionOverride,
			From: categoryAndPath(category, current), To: categoryAndPath(category, to), Reason: reason,
			Details: map[string]any{"path": string(path), "bulk": true}})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read paths: %w", err)
	}
	if len(changing) == 0 {
		return nil
	}
	if path == "" {
		_, err = b.tx.Exec(ctx, `
			DELETE FROM overrides WHERE tenant_id = $1 AND account_id = ANY($2) AND category IS NULL`,
			b.tenantID, changing)
		if err == nil {
			_, err = b.tx.Exec(ctx, `
				UPDATE overrides SET path = NULL, author = $3, reason = $4, created_at = now()
				WHERE tenant_id = $1 AND account_id = ANY($2)`, b.tenantID, changing, author, reason)
		}
	} else {
		_, err = b.tx.Exec(ctx, `
			INSERT INTO overrides (tenant_id, account_id, path, author, reason)
			SELECT $1, id, $3, $4, $5 FROM unnest($2::text[]) AS id
			ON CONFLICT (tenant_id, account_id) DO UPDATE SET
				path = excluded.path, author = excluded.author, reason = excluded.reason, created_at = now()`,
			b.tenantID, changing, string(path), author, reason)
	}
	if err != nil {
		return fmt.Errorf("override paths: %w", err)
	}
	for _, id := range changing {
		b.changed[id] = true
	}
	return nil
}
