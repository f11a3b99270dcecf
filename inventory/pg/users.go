package pg

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mfaboard/mfaboard/inventory"
)

// User is a person who signs in to the dashboard.
type User struct {
	ID          string
	Email       string
	DisplayName string
	Role        inventory.Role
	Disabled    bool
	// HasPassword: the user may sign in with a local password.
	HasPassword bool
	// OIDCSubject is the identity provider's subject; "" for local users.
	OIDCSubject       string
	CreatedAt         time.Time
	PasswordChangedAt time.Time
}

// Name is what the dashboard calls the user: the display name, else the
// e-mail address.
func (u User) Name() string {
	if strings.TrimSpace(u.DisplayName) != "" {
		return u.DisplayName
	}
	return u.Email
}

const userColumns = `id::text, email, display_name, role, disabled, password_hash IS NOT NULL,
	coalesce(oidc_subject, ''), created_at, password_changed_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.DisplayName, &u.Role, &u.Disabled, &u.HasPassword,
		&u.OIDCSubject, &u.CreatedAt, &u.PasswordChangedAt)
	u.CreatedAt, u.PasswordChangedAt = u.CreatedAt.UTC(), u.PasswordChangedAt.UTC()
	return u, err
}

// CreateUser adds a local user who signs in with a password, for actor,
// with the addition on the audit trail, in one transaction: who may is
// inventory.CanManageUsers. passwordHash is the encoded hash (the web
// package's HashPassword), never the password. A malformed e-mail, an
// unknown role or an e-mail already in use is EINVALID.
func (s *Store) CreateUser(ctx context.Context, actor inventory.Actor, email, name string, role inventory.Role, passwordHash string) (User, error) {
	var u User
	err := s.inTx(ctx, "create user", func(tx pgx.Tx) error {
		if err := inventory.CanManageUsers(actor); err != nil {
			return err
		}
		email, err := normaliseEmail(email)
		if err != nil {
			return err
		}
		if _, err := inventory.ParseRole(string(role)); err != nil {
			return err
		}
		if passwordHash == "" {
			return inventory.Errorf(inventory.EINVALID, "A local user needs a password.")
		}
		u, err = scanUser(tx.QueryRow(ctx, `
			INSERT INTO app_users (email, display_name, role, password_hash)
			VALUES ($1, $2, $3, $4)
			RETURNING `+userColumns, email, strings.TrimSpace(name), role, passwordHash))
		if duplicateUser(err) {
			return inventory.Errorf(inventory.EINVALID, "A user with the e-mail %s already exists.", email)
		}
		if err != nil {
			return err
		}
		return recordUserChange(ctx, tx, actor, u, inventory.ActionUserCreated, "", string(u.Role))
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// recordUserChange puts a change of user u on the audit trail. The event
// concerns no tenant: it belongs to every tenant's record.
func recordUserChange(ctx context.Context, tx pgx.Tx, actor inventory.Actor, u User, action, from, to string) error {
	return recordAs(ctx, tx, actor, AuditEvent{Action: action, From: from, To: to,
		Details: map[string]any{"user_id": u.ID, "email": u.Email}})
}

// UserByEmail returns the user with this e-mail (in any case) and their
// password hash ("" when they have none). An unknown e-mail is ENOTFOUND.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, string, error) {
	var hash *string
	var u User
	err := s.pool.QueryRow(ctx, `
		SELECT `+userColumns+`, password_hash FROM app_users WHERE lower(email) = lower($1)`,
		strings.TrimSpace(email)).Scan(&u.ID, &u.Email, &u.DisplayName, &u.Role, &u.Disabled, &u.HasPassword,
		&u.OIDCSubject, &u.CreatedAt, &u.PasswordChangedAt, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, "", inventory.Errorf(inventory.ENOTFOUND, "There is no user with the e-mail %s.", email)
	}
	if err != nil {
		return User{}, "", fmt.Errorf("store: user by e-mail: %w", err)
	}
	u.CreatedAt, u.PasswordChangedAt = u.CreatedAt.UTC(), u.PasswordChangedAt.UTC()
	if hash == nil {
		return u, "", nil
	}
	return u, *hash, nil
}

// UserByID returns one user; an unknown or malformed id is ENOTFOUND.
func (s *Store) UserByID(ctx context.Context, id string) (User, error) {
	if uuid.Validate(id) != nil {
		return User{}, noSuchUser(id)
	}
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM app_users WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, noSuchUser(id)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user: %w", err)
	}
	return u, nil
}

// Users returns every user, enabled ones first, by e-mail.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	users, err := queryRows(ctx, s.pool, `SELECT `+userColumns+` FROM app_users ORDER BY disabled, lower(email)`, nil, func(row pgx.CollectableRow) (User, error) { return scanUser(row) })
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return users, nil
}

// SetPassword replaces a user's password hash for actor, with the reset on
// the audit trail, in one transaction: who may is
// inventory.CanManageUsers. Sessions the user began before it end (see
// PasswordChangedAt). The user is returned as they are now.
func (s *Store) SetPassword(ctx context.Context, actor inventory.Actor, id, hash string) (User, error) {
	var u User
	err := s.inTx(ctx, "set password", func(tx pgx.Tx) error {
		if err := inventory.CanManageUsers(actor); err != nil {
			return err
		}
		if hash == "" {
			return inventory.Errorf(inventory.EINVALID, "A password is needed.")
		}
		if uuid.Validate(id) != nil {
			return noSuchUser(id)
		}
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `
			UPDATE app_users SET password_hash = $2, password_changed_at = clock_timestamp(), updated_at = now()
			WHERE id = $1
			RETURNING `+userColumns, id, hash))
		if errors.Is(err, pgx.ErrNoRows) {
			return noSuchUser(id)
		}
		if err != nil {
			return err
		}
		return recordUserChange(ctx, tx, actor, u, inventory.ActionPasswordReset, "", "")
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// SetUserRole changes a user's role for actor, with the change on the audit
// trail, in one transaction: who may is inventory.CanManageUsers. Giving
// the role the user has changes and records nothing. A change that would
// leave no enabled security lead is EINVALID: somebody must be able to
// manage users.
func (s *Store) SetUserRole(ctx context.Context, actor inventory.Actor, id string, role inventory.Role) error {
	if _, err := inventory.ParseRole(string(role)); err != nil {
		return err
	}
	return s.changeUser(ctx, actor, id, role != inventory.SecurityLead, "make the last security lead "+strings.ToLower(role.Label()),
		func(tx pgx.Tx, u User) error {
			if u.Role == role {
				return nil
			}
			if _, err := tx.Exec(ctx, `UPDATE app_users SET role = $2, updated_at = now() WHERE id = $1`, id, role); err != nil {
				return err
			}
			return recordUserChange(ctx, tx, actor, u, inventory.ActionUserRole, string(u.Role), string(role))
		})
}

// SetUserDisabled disables (or enables again) a user for actor, with the
// change on the audit trail, in one transaction: who may is
// inventory.CanManageUsers. A disabled user cannot sign in and their
// sessions end at their next request. Disabling the last enabled security
// lead is EINVALID; asking for the state the user is in changes and records
// nothing.
func (s *Store) SetUserDisabled(ctx context.Context, actor inventory.Actor, id string, disabled bool) error {
	action := inventory.ActionUserEnabled
	if disabled {
		action = inventory.ActionUserDisabled
	}
	return s.changeUser(ctx, actor, id, disabled, "disable the last security lead",
		func(tx pgx.Tx, u User) error {
			if u.Disabled == disabled {
				return nil
			}
			if _, err := tx.Exec(ctx, `UPDATE app_users SET disabled = $2, updated_at = now() WHERE id = $1`, id, disabled); err != nil {
				return err
			}
			return recordUserChange(ctx, tx, actor, u, action, "", "")
		})
}

// changeUser runs change on user id, read and locked, for actor, once
// inventory.CanManageUsers allows it. When removesLead, it first refuses
// if id is the only enabled security lead; the leads' rows stay locked
// until the change commits, so two leads demoting each other at once
// cannot both succeed. (The leads are locked before the user, always in
// the same order, so two such changes never wait for each other in a
// circle.)
func (s *Store) changeUser(ctx context.Context, actor inventory.Actor, id string, removesLead bool, doing string,
	change func(tx pgx.Tx, u User) error) error {
	return s.inTx(ctx, "change user", func(tx pgx.Tx) error {
		if err := inventory.CanManageUsers(actor); err != nil {
			return err
		}
		if uuid.Validate(id) != nil {
			return noSuchUser(id)
		}
		if removesLead {
			leads, err := queryRows(ctx, tx, `
				SELECT id::text FROM app_users WHERE role = 'security_lead' AND NOT disabled ORDER BY id FOR UPDATE`, nil, pgx.RowTo[string])
			if err != nil {
				return err
			}
			if len(leads) == 1 && leads[0] == id {
				return inventory.Errorf(inventory.EINVALID,
					"You cannot %s: make another user a security lead first, so somebody can still manage users.", doing)
			}
		}
		u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM app_users WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return noSuchUser(id)
		}
		if err != nil {
			return err
		}
		return change(tx, u)
	})
}

// UpsertOIDCUser records a user who signed in with the identity provider:
// found by subject, their e-mail, name and role are refreshed from the
// token (the provider is the authority on them); otherwise they are added.
// An e-mail already used by another user is EINVALID rather than linked:
// an e-mail claim alone does not prove it is the same person.
func (s *Store) UpsertOIDCUser(ctx context.Context, subject, email, name string, role inventory.Role) (User, error) {
	if strings.TrimSpace(subject) == "" {
		return User{}, inventory.Errorf(inventory.EINVALID, "The identity provider sent no subject for this user.")
	}
	email, err := normaliseEmail(email)
	if err != nil {
		return User{}, err
	}
	if _, err := inventory.ParseRole(string(role)); err != nil {
		return User{}, err
	}
	u, err := scanUser(s.pool.QueryRow(ctx, `
		INSERT INTO app_users (email, display_name, role, oidc_subject)
		VALUES ($2, $3, $4, $1)
		ON CONFLICT (oidc_subject) DO UPDATE
		SET email = EXCLUDED.email, display_name = EXCLUDED.display_name, role = EXCLUDED.role, updated_at = now()
		RETURNING `+userColumns, subject, email, strings.TrimSpace(name), role))
	if duplicateUser(err) {
		return User{}, inventory.Errorf(inventory.EINVALID,
			"Another mfaboard user already has the e-mail %s, so this Microsoft account cannot sign in as it; ask a security lead to sort it out.", email)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: upsert OIDC user: %w", err)
	}
	return u, nil
}

// normaliseEmail trims and lower-cases an address and refuses what is not
// one plain address.
func normaliseEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 320 || !strings.Contains(email, "@") {
		return "", inventory.Errorf(inventory.EINVALID, "%q is not an e-mail address.", email)
	}
	return email, nil
}

func noSuchUser(id string) error {
	return inventory.Errorf(inventory.ENOTFOUND, "There is no user with id %q.", id)
}

func duplicateUser(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
