package com.example.shop.account;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

final class TokenService {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final Random RANDOM = new Random();
    private final SecureRandom secureRandom = new SecureRandom();

    public String newResetToken() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            // ruleid: java-lang-insecure-random-secret
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    public long newSessionId() {
        // ruleid: java-lang-insecure-random-secret
        return new Random().nextLong();
    }

    public String newResetTokenSafely() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            // ok: java-lang-insecure-random-secret
            sb.append(ALPHABET.charAt(secureRandom.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    public List<String> shuffledBanners(List<String> banners) {
        List<String> copy = new ArrayList<>(banners);
        // ok: java-lang-insecure-random-secret
        Collections.shuffle(copy, new Random());
        return copy;
    }
}
