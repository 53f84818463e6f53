package com.example.shop.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

class LoginServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.getSession(true).setAttribute("user", request.getParameter("user"));
        String next = request.getParameter("next");
        // ruleid: java-servlet-open-redirect
        response.sendRedirect(next);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String partner = request.getParameter("partner");
        if (partner != null) {
            response.setStatus(HttpServletResponse.SC_FOUND);
            // ruleid: java-servlet-open-redirect
            response.setHeader("Location", "https://" + partner + "/welcome");
            return;
        }
        String q = request.getParameter("q");
        if (q != null) {
            // ok: java-servlet-open-redirect
            response.sendRedirect(request.getContextPath() + "/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
            return;
        }
        // ok: java-servlet-open-redirect
        response.sendRedirect(request.getContextPath() + "/login");
    }
}
