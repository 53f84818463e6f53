package com.example.shop.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;

class SessionCookies {

    public void issueSession(HttpServletResponse response, String sessionId) {
        Cookie cookie = new Cookie("SESSION", sessionId);
        cookie.setPath("/");
        // ruleid: java-servlet-cookie-missing-flags
        response.addCookie(cookie);
    }

    public void remember(HttpServletResponse response, String token) {
        Cookie remember = new Cookie("remember_me", token);
        remember.setSecure(true);
        remember.setMaxAge(30 * 24 * 3600);
        // ruleid: java-servlet-cookie-missing-flags
        response.addCookie(remember);
    }

    public void issueSessionSafely(HttpServletResponse response, String sessionId) {
        Cookie cookie = new Cookie("SESSION", sessionId);
        cookie.setPath("/");
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        cookie.setAttribute("SameSite", "Lax");
        // ok: java-servlet-cookie-missing-flags
        response.addCookie(cookie);
    }

    public void rememberSafely(HttpServletResponse response, String token) {
        Cookie remember = new Cookie("remember_me", token);
        remember.setHttpOnly(true);
        remember.setMaxAge(30 * 24 * 3600);
        remember.setSecure(true);
        // ok: java-servlet-cookie-missing-flags
        response.addCookie(remember);
    }
}
