package store

import (
	"context"
	"database/sql"
	"fmt"
)

// FindUser looks a user up by e-mail.
func FindUser(db *sql.DB, email string) (*sql.Rows, error) {
	query := fmt.Sprintf("SELECT id, name FROM users WHERE email = '%s'", email)
	// ruleid: go-database-sql-string-formatting
	return db.Query(query)
}

// DeleteOrder removes one order.
func DeleteOrder(ctx context.Context, db *sql.DB, id string) error {
	// ruleid: go-database-sql-string-formatting
	_, err := db.ExecContext(ctx, "DELETE FROM orders WHERE id = "+id)
	return err
}

// FindUserSafely lets the driver bind the value.
func FindUserSafely(db *sql.DB, email string) *sql.Row {
	// ok: go-database-sql-string-formatting
	return db.QueryRow("SELECT id, name FROM users WHERE email = $1", email)
}

// RecentOrders formats integers only.
func RecentOrders(ctx context.Context, db *sql.DB, limit, offset int) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT id, total FROM orders ORDER BY created_at DESC LIMIT %d OFFSET %d", limit, offset)
	// ok: go-database-sql-string-formatting
	return db.QueryContext(ctx, q)
}

// ActiveUsers splits a long constant over two lines.
func ActiveUsers(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	// ok: go-database-sql-string-formatting
	return db.QueryContext(ctx, "SELECT id, name FROM users "+
		"WHERE active ORDER BY id")
}
