package com.example.shop.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

class UserRepository {
    private final Connection conn;

    public UserRepository(Connection conn) {
        this.conn = conn;
    }

    public ResultSet findByEmail(String email) throws SQLException {
        Statement stmt = conn.createStatement();
        // ruleid: java-jdbc-sql-string-concat
        return stmt.executeQuery("SELECT id, name FROM users WHERE email = '" + email + "'");
    }

    public int deactivate(String status) throws SQLException {
        String sql = String.format("UPDATE users SET active = false WHERE status = '%s'", status);
        try (Statement stmt = conn.createStatement()) {
            // ruleid: java-jdbc-sql-string-concat
            return stmt.executeUpdate(sql);
        }
    }

    public ResultSet sortedBy(String column) throws SQLException {
        // ruleid: java-jdbc-sql-string-concat
        PreparedStatement ps = conn.prepareStatement("SELECT id, name FROM users ORDER BY " + column);
        return ps.executeQuery();
    }

    public ResultSet findByEmailSafely(String email) throws SQLException {
        // ok: java-jdbc-sql-string-concat
        PreparedStatement ps = conn.prepareStatement("SELECT id, name FROM users WHERE email = ?");
        ps.setString(1, email);
        return ps.executeQuery();
    }

    public ResultSet active(int limit) throws SQLException {
        String sql = "SELECT id, name FROM users "
                + "WHERE active = true ORDER BY id LIMIT ?";
        // ok: java-jdbc-sql-string-concat
        PreparedStatement ps = conn.prepareStatement(sql);
        ps.setInt(1, limit);
        return ps.executeQuery();
    }
}
