package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Person is one row of people: who may sign in, with which role and scope.
type Person struct {
	ID        int64
	Name      string
	Role      string
	Scope     string
	CreatedBy string
	CreatedAt time.Time
	Revoked   bool
}

// WebSession is a stored sign-in of the work pages.
type WebSession struct {
	CSRF     string
	PersonID int64 // 0: a person of the token file
	TokenSHA string
	Expires  time.Time
}

const (
	sqlInsertPerson = `INSERT INTO people (name, role, scope, token_sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`
	sqlPeople       = `SELECT id, name, role, scope, created_by, created_at, revoked_at IS NOT NULL FROM people ORDER BY revoked_at IS NOT NULL, id`
	sqlPersonByID   = `SELECT id, name, role, scope, created_by, created_at, revoked_at IS NOT NULL FROM people WHERE id = ?`
	sqlPersonByTok  = `SELECT id, name, role, scope, created_by, created_at, revoked_at IS NOT NULL FROM people WHERE token_sha256 = ? AND revoked_at IS NULL`
	sqlActiveAdmins = `SELECT count(*) FROM people WHERE role = 'admin' AND revoked_at IS NULL`
	// The first administrator made at a first start, while nobody ever
	// signed in with a link and no other administrator exists: their link
	// was lost before use, and the next start may issue another.
	sqlUnusedFirstAdmin = `SELECT coalesce(min(id), 0) FROM people WHERE role = 'admin' AND revoked_at IS NULL AND created_by = ?
		AND NOT EXISTS (SELECT 1 FROM signin_links WHERE used_at IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM people WHERE role = 'admin' AND revoked_at IS NULL AND created_by <> ?)`
	sqlSetPerson     = `UPDATE people SET role = ?, scope = ? WHERE id = ?`
	sqlSetToken      = `UPDATE people SET token_sha256 = ? WHERE id = ?`
	sqlRevokePerson  = `UPDATE people SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`
	sqlEndSessionsOf = `DELETE FROM web_sessions WHERE person_id = ?`
	sqlInsertLink    = `INSERT INTO signin_links (token_sha256, person_id, created_by, expires_at) VALUES (?, ?, ?, ?)`
	// A link is used by the one UPDATE that finds it unused and unexpired:
	// two openings at once cannot both succeed.
	sqlUseLink       = `UPDATE signin_links SET used_at = ? WHERE token_sha256 = ? AND used_at IS NULL AND expires_at > ? RETURNING person_id`
	sqlInsertSession = `INSERT INTO web_sessions (id_sha256, csrf, person_id, token_sha256, expires_at) VALUES (?, ?, ?, ?, ?)`
	sqlSession       = `SELECT csrf, coalesce(person_id, 0), token_sha256, expires_at FROM web_sessions WHERE id_sha256 = ? AND expires_at > ?`
	sqlEndSession    = `DELETE FROM web_sessions WHERE id_sha256 = ?`
	sqlPurgeSessions = `DELETE FROM web_sessions WHERE expires_at <= ?`
)

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	err := row.Scan(&p.ID, &p.Name, &p.Role, &p.Scope, &p.CreatedBy, &p.CreatedAt, &p.Revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("person: %w", ErrNotFound)
	}
	return p, err
}

// AddPerson stores a person with the sha256 of their token, audited as
// "person-add".
func (s *Store) AddPerson(ctx context.Context, p Person, tokenSHA, author string) (Person, error) {
	p.CreatedBy, p.CreatedAt = author, time.Now().UTC()
	err := s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, sqlInsertPerson, p.Name, p.Role, p.Scope, tokenSHA, author, p.CreatedAt).Scan(&p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, p.CreatedAt, author, "person-add", "", p.Scope, 0, p.Name, "", p.Role, ""); err != nil {
			return err
		}
		return nil
	})
	return p, err
}

// People lists everyone, the revoked last.
func (s *Store) People(ctx context.Context) ([]Person, error) {
	rows, err := s.db.QueryContext(ctx, sqlPeople)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Person reads one person; ErrNotFound when there is none with that id.
func (s *Store) Person(ctx context.Context, id int64) (Person, error) {
	return scanPerson(s.db.QueryRowContext(ctx, sqlPersonByID, id))
}

// PersonByToken finds the person, not revoked, whose token has this hash.
func (s *Store) PersonByToken(ctx context.Context, tokenSHA string) (Person, error) {
	return scanPerson(s.db.QueryRowContext(ctx, sqlPersonByTok, tokenSHA))
}

// ActiveAdmins counts the administrators who can still sign in.
func (s *Store) ActiveAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, sqlActiveAdmins).Scan(&n)
	return n, err
}

// UnusedFirstAdmin is the id of the administrator a first start made by
// author, when no link was ever used and no other administrator exists; 0
// otherwise.
func (s *Store) UnusedFirstAdmin(ctx context.Context, author string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, sqlUnusedFirstAdmin, author, author).Scan(&id)
	return id, err
}

// personChange is the one transaction of every change to a person: the
// statement, then its audit row ("person-role", "person-revoke" …).
func (s *Store) personChange(ctx context.Context, id int64, author, action, oldValue, newValue string, query string, args ...any) error {
	return s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		p, err := scanPerson(tx.QueryRowContext(ctx, sqlPersonByID, id))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
		if action == "person-revoke" {
			if _, err := tx.ExecContext(ctx, sqlEndSessionsOf, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, sqlInsertAudit, time.Now().UTC(), author, action, "", p.Scope, 0, p.Name, oldValue, newValue, ""); err != nil {
			return err
		}
		return nil
	})
}

// SetPerson changes a person's role and scope, audited as "person-role".
func (s *Store) SetPerson(ctx context.Context, id int64, role, scope, author, oldValue, newValue string) error {
	return s.personChange(ctx, id, author, "person-role", oldValue, newValue, sqlSetPerson, role, scope, id)
}

// RevokePerson stops a person signing in and ends their sessions,
// audited as "person-revoke".
func (s *Store) RevokePerson(ctx context.Context, id int64, author string) error {
	return s.personChange(ctx, id, author, "person-revoke", "", "", sqlRevokePerson, time.Now().UTC(), id)
}

// SetPersonToken replaces a person's token (the old one stops working),
// audited as "person-token".
func (s *Store) SetPersonToken(ctx context.Context, id int64, tokenSHA, author string) error {
	return s.personChange(ctx, id, author, "person-token", "", "", sqlSetToken, tokenSHA, id)
}

// AddSignInLink stores a one-time link (its hash) for a person.
func (s *Store) AddSignInLink(ctx context.Context, linkSHA string, personID int64, author string, expires time.Time) error {
	return s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, sqlInsertLink, linkSHA, personID, author, expires.UTC())
		return err
	})
}

// UseSignInLink marks a link used and returns its person; ErrNotFound
// when the link is unknown, used or expired.
func (s *Store) UseSignInLink(ctx context.Context, linkSHA string) (int64, error) {
	now := time.Now().UTC()
	var id int64
	err := s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, sqlUseLink, now, linkSHA, now).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sign-in link: %w", ErrNotFound)
	}
	return id, err
}

// SaveWebSession stores a session under the hash of its id, dropping the
// sessions expired by now while here.
func (s *Store) SaveWebSession(ctx context.Context, idSHA string, ws WebSession, now time.Time) error {
	var person any
	if ws.PersonID != 0 {
		person = ws.PersonID
	}
	return s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, sqlPurgeSessions, now.UTC()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, sqlInsertSession, idSHA, ws.CSRF, person, ws.TokenSHA, ws.Expires.UTC())
		return err
	})
}

// WebSessionByID reads a session that has not expired by now; ErrNotFound
// else.
func (s *Store) WebSessionByID(ctx context.Context, idSHA string, now time.Time) (WebSession, error) {
	var ws WebSession
	err := s.db.QueryRowContext(ctx, sqlSession, idSHA, now.UTC()).Scan(&ws.CSRF, &ws.PersonID, &ws.TokenSHA, &ws.Expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ws, fmt.Errorf("session: %w", ErrNotFound)
	}
	return ws, err
}

// EndWebSession removes a session (sign-out).
func (s *Store) EndWebSession(ctx context.Context, idSHA string) error {
	return s.writeTx(ctx, quietly, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, sqlEndSession, idSHA)
		return err
	})
}
